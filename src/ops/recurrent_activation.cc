// SPDX-License-Identifier: Apache-2.0
// Parsing of the recurrent operators' activation attributes (see recurrent_activation.h).
#include "ops/recurrent_activation.h"

#include <cctype>

#include "core/error.h"

namespace vigil {

namespace {

struct ActivationInfo {
  const char* name;  // lower case
  ActivationKind kind;
  bool takes_alpha, takes_beta;
  double default_alpha, default_beta;
};

constexpr ActivationInfo kActivations[] = {
    {"relu", ActivationKind::Relu, false, false, 0, 0},
    {"tanh", ActivationKind::Tanh, false, false, 0, 0},
    {"sigmoid", ActivationKind::Sigmoid, false, false, 0, 0},
    {"affine", ActivationKind::Affine, true, true, 1.0, 0.0},
    {"leakyrelu", ActivationKind::LeakyRelu, true, false, 0.01, 0},
    {"thresholdedrelu", ActivationKind::ThresholdedRelu, true, false, 1.0, 0},
    {"scaledtanh", ActivationKind::ScaledTanh, true, true, 1.0, 1.0},
    {"hardsigmoid", ActivationKind::HardSigmoid, true, true, 0.2, 0.5},
    {"elu", ActivationKind::Elu, true, false, 1.0, 0},
    {"softsign", ActivationKind::Softsign, false, false, 0, 0},
    {"softplus", ActivationKind::Softplus, false, false, 0, 0},
};

const ActivationInfo& find_activation(const std::string& name, const std::string& what) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const ActivationInfo& info : kActivations)
    if (lower == info.name) return info;
  fail_bad_input(what, ": unknown activation '", name, "'");
}

}  // namespace

std::vector<Activation> read_activations(const Attributes& attributes, const std::vector<std::string>& defaults,
                                         int64_t directions, const std::string& what) {
  const size_t per_direction = defaults.size();
  const size_t total = per_direction * static_cast<size_t>(directions);
  std::vector<std::string> names = attributes.get_strings("activations", {});
  if (names.empty()) {
    for (int64_t d = 0; d < directions; ++d) names.insert(names.end(), defaults.begin(), defaults.end());
  } else if (names.size() == per_direction && total == 2 * per_direction) {
    const std::vector<std::string> one_direction = names;
    names.insert(names.end(), one_direction.begin(), one_direction.end());
  }
  check_input(names.size() == total, what, ": expected ", total, " activations, got ", names.size());

  const std::vector<float> alphas = attributes.get_floats("activation_alpha", {});
  const std::vector<float> betas = attributes.get_floats("activation_beta", {});
  size_t next_alpha = 0, next_beta = 0;
  std::vector<Activation> activations;
  for (const std::string& name : names) {
    const ActivationInfo& info = find_activation(name, what);
    Activation activation{info.kind, info.default_alpha, info.default_beta};
    if (info.takes_alpha && next_alpha < alphas.size()) activation.alpha = alphas[next_alpha++];
    if (info.takes_beta && next_beta < betas.size()) activation.beta = betas[next_beta++];
    activations.push_back(activation);
  }
  return activations;
}

}  // namespace vigil

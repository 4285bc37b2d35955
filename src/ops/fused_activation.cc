// SPDX-License-Identifier: Apache-2.0
// Reading and naming the activation attributes of vigil's fused nodes.
#include "ops/fused_activation.h"

#include <limits>
#include <vector>

#include "core/error.h"

namespace vigil {

namespace {

struct NamedActivation {
  kernels::Activation kind;
  const char* name;
  size_t parameters;
};

constexpr NamedActivation kActivations[] = {
    {kernels::Activation::Relu, "Relu", 0},
    {kernels::Activation::Clip, "Clip", 2},
    {kernels::Activation::LeakyRelu, "LeakyRelu", 1},
    {kernels::Activation::Sigmoid, "Sigmoid", 0},
    {kernels::Activation::Tanh, "Tanh", 0},
    {kernels::Activation::Gelu, "Gelu", 0},
    {kernels::Activation::HardSigmoid, "HardSigmoid", 2},
};

}  // namespace

kernels::ActivationSpec read_fused_activation(const Attributes& attributes, const std::string& what,
                                              const std::string& attribute) {
  const std::string name = attributes.get_string(attribute, "");
  if (name.empty()) return {};
  const std::vector<float> params = attributes.get_floats(attribute + "_params");
  for (const NamedActivation& known : kActivations) {
    if (name != known.name) continue;
    check_input(params.size() == known.parameters, what, ": ", attribute, " ", name, " takes ", known.parameters, " ",
                attribute, "_params, got ", params.size());
    kernels::ActivationSpec spec{known.kind};
    if (!params.empty()) spec.alpha = params[0];
    if (params.size() > 1) spec.beta = params[1];
    return spec;
  }
  fail_bad_input(what, ": unknown fused ", attribute, " '", name, "'");
}

std::string fused_activation_name(kernels::Activation activation) {
  for (const NamedActivation& known : kActivations) {
    if (known.kind == activation) return known.name;
  }
  return {};
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The activation functions of the recurrent operators (RNN, GRU, LSTM). Unlike the
// standalone activation operators, these are named by strings in the node's
// `activations` attribute, one per gate function and direction, with their alpha and
// beta taken in order from `activation_alpha` / `activation_beta`. Parsing happens once,
// at operator creation; applying one is a switch per element.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "graph/attribute.h"

namespace vigil {

enum class ActivationKind {
  Relu,
  Tanh,
  Sigmoid,
  Affine,
  LeakyRelu,
  ThresholdedRelu,
  ScaledTanh,
  HardSigmoid,
  Elu,
  Softsign,
  Softplus,
};

struct Activation {
  ActivationKind kind = ActivationKind::Tanh;
  double alpha = 0;
  double beta = 0;

  template <class T>
  T operator()(T x) const {
    const T a = static_cast<T>(alpha), b = static_cast<T>(beta);
    switch (kind) {
      case ActivationKind::Relu: return std::max(x, T(0));
      case ActivationKind::Tanh: return std::tanh(x);
      case ActivationKind::Sigmoid: return T(1) / (T(1) + std::exp(-x));
      case ActivationKind::Affine: return a * x + b;
      case ActivationKind::LeakyRelu: return x >= T(0) ? x : a * x;
      case ActivationKind::ThresholdedRelu: return x > a ? x : T(0);
      case ActivationKind::ScaledTanh: return a * std::tanh(b * x);
      case ActivationKind::HardSigmoid: return std::clamp(a * x + b, T(0), T(1));
      case ActivationKind::Elu: return x >= T(0) ? x : a * (std::exp(x) - T(1));
      case ActivationKind::Softsign: return x / (T(1) + std::abs(x));
      // log(1 + e^x) computed without overflow for large x.
      case ActivationKind::Softplus: return x > T(0) ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
    }
    return x;
  }
};

// The activations of every direction, `defaults.size()` per direction (direction 0
// first). Names are case-insensitive. An `activations` list of one direction's length
// on a bidirectional node is used for both directions, as ONNX Runtime does; alphas and
// betas go, in order, to the activations that take them, and the rest get the defaults
// of the ONNX operator of the same name.
std::vector<Activation> read_activations(const Attributes& attributes, const std::vector<std::string>& defaults,
                                         int64_t directions, const std::string& what);

}  // namespace vigil

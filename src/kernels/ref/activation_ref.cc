// SPDX-License-Identifier: Apache-2.0
// The scalar activations and unary functions: the specification of kernels/epilogue.h's
// Activation and kernels/unary.h's UnaryFunction, which the vector paths are tested
// against (the scalar table, kernels/ref/f32_vmath__scalar.cc, loops over these).
#include <algorithm>
#include <cmath>

#include "kernels/epilogue.h"
#include "kernels/unary.h"

namespace vigil::kernels {

float apply_activation(const ActivationSpec& a, float x) {
  switch (a.kind) {
    case Activation::None: return x;
    case Activation::Relu: return x < 0.0f ? 0.0f : x;  // NaN passes through
    case Activation::Clip: return std::min(std::max(x, a.alpha), a.beta);
    case Activation::LeakyRelu: return x >= 0.0f ? x : a.alpha * x;
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
    case Activation::Gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Activation::HardSigmoid: return std::max(0.0f, std::min(1.0f, a.alpha * x + a.beta));
  }
  return x;
}

float apply_unary(UnaryFunction function, float x) {
  switch (function) {
    case UnaryFunction::Exp: return std::exp(x);
    case UnaryFunction::Sqrt: return std::sqrt(x);
    case UnaryFunction::Reciprocal: return 1.0f / x;
    case UnaryFunction::Erf: return std::erf(x);
    case UnaryFunction::HardSwish: return x * std::max(0.0f, std::min(1.0f, x / 6.0f + 0.5f));
    case UnaryFunction::Neg: return -x;
    case UnaryFunction::Abs: return std::fabs(x);
  }
  return x;
}

}  // namespace vigil::kernels

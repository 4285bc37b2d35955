// The scalar activations: the specification of kernels/epilogue.h's Activation, and for
// now the implementation of f32_activation on every path.
#include <algorithm>
#include <cmath>

#include "kernels/epilogue.h"
#include "kernels/unary.h"

namespace vigil::kernels {

float apply_activation(const ActivationSpec& a, float x) {
  switch (a.kind) {
    case Activation::None: return x;
    case Activation::Relu: return x > 0.0f ? x : 0.0f;
    case Activation::Clip: return std::min(std::max(x, a.alpha), a.beta);
    case Activation::LeakyRelu: return x >= 0.0f ? x : a.alpha * x;
    case Activation::Sigmoid: return 1.0f / (1.0f + std::exp(-x));
    case Activation::Tanh: return std::tanh(x);
    case Activation::Gelu: return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
    case Activation::HardSigmoid: return std::max(0.0f, std::min(1.0f, a.alpha * x + a.beta));
  }
  return x;
}

void f32_activation(const ActivationSpec& activation, int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = apply_activation(activation, x[i]);
}

}  // namespace vigil::kernels

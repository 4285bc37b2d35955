// SPDX-License-Identifier: Apache-2.0
// Vectorised unary primitives on contiguous f32 arrays: the activations of kernels/
// epilogue.h, the math functions the element-wise operators need, and the affine map
// y = a x + b of the normalisations. Every function works in place or out of place
// (y may equal x, no other overlap). The path follows active_isa(); the scalar path is
// the specification (apply_activation, apply_unary).
//
// Accuracy of the vector paths against the correctly rounded std:: functions (the tests
// check these bounds over wide ranges, with NaN and infinities):
//   exp       relative 3e-7 (about 2 ulp); 0 below -104, +inf above 88.73, NaN stays NaN
//   sigmoid   absolute 2e-7
//   tanh      absolute 3e-7, relative 3e-7 for |x| < 0.625
//   erf       absolute 3e-7 (Abramowitz-Stegun 7.1.26 above |x| = 0.5, Taylor below)
//   gelu      absolute 3e-7 * max(1, |x|)
// sqrt, reciprocal, relu, clip, leaky relu, hard sigmoid/swish are exact or 1 ulp.
#pragma once

#include <cstdint>

#include "kernels/epilogue.h"

namespace vigil::kernels {

void f32_activation(const ActivationSpec& activation, int64_t n, const float* x, float* y);

// Functions without parameters that are not epilogue activations.
enum class UnaryFunction {
  Exp,
  Sqrt,
  Reciprocal,  // 1 / x
  Erf,
  HardSwish,  // x * max(0, min(1, x / 6 + 1 / 2))
  Neg,
  Abs,
};

// The scalar specification of one function.
float apply_unary(UnaryFunction function, float x);
void f32_unary(UnaryFunction function, int64_t n, const float* x, float* y);

// y[i] = scale * x[i] + shift (batch normalisation per channel, normalising a row).
void f32_affine(int64_t n, const float* x, float scale, float shift, float* y);

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The output side of vigil's integer operators (QConv, QGemm, QAdd, which graph/passes/
// fuse_qdq.cc writes for QDQ groups): the output's type, zero point and clamp, the
// fixed-point multipliers that take an int32 sum onto the output grid
// (kernels/requantize.h), and the bias as int32 on the sum's grid. What the QDQ group
// computed in float (dequantize, operate, [Relu | Clip], quantize) becomes
//   y = clamp(y_zero_point + round_half_even((sum + bias) x x_scale x w_scale[c] / y_scale))
// with the absorbed activation as the clamp bounds: quantization is monotone, so
// Q(relu(v)) = max(Q(v), Q(0)) and Q(clip(v, lo, hi)) = clamp(Q(v), Q(lo), Q(hi)) exactly.
// Against the float group the result differs at most by one step, where float rounding of
// the group's products falls on the other side of a half.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "kernels/epilogue.h"
#include "kernels/qs8_add.h"
#include "kernels/requantize.h"
#include "ops/quantized/quantization.h"

namespace vigil {

struct OutputRequantization {
  DType type = DType::UInt8;  // uint8 or int8
  float scale = 1.0f;
  int32_t zero_point = 0;
  int32_t min = 0, max = 255;  // the type's range narrowed by the activation

  // Reads y_scale and y_zero_point (nullptr: uint8 zero) and turns `activation` (None,
  // Relu or Clip) into the clamp; a bad-input Error naming `what` otherwise.
  static OutputRequantization read(const Tensor& y_scale, const Tensor* y_zero_point,
                                   const kernels::ActivationSpec& activation, const std::string& what);
};

// x_scale x w_scale[c] / y_scale for every weight channel (one for per-tensor weights).
std::vector<kernels::FixedPointMultiplier> channel_multipliers(float x_scale, const QuantizationParameters& weights,
                                                               float y_scale);

// The bias on the sum's grid: round_half_even(b x b_scale[c] / (x_scale x w_scale[c])) for
// an int32 `bias` with `bias_scale` (exactly b when b_scale is x_scale x w_scale, as
// quantizers write it), b itself for an int32 bias without scale (QLinearConv's), or
// b / (x_scale x w_scale[c]) for a float32 bias.
// `channels` values; empty when there is no bias.
std::vector<int32_t> integer_bias(const Tensor* bias, const Tensor* bias_scale, float x_scale,
                                  const QuantizationParameters& weights, int64_t channels, const std::string& what);

// The fixed-point parameters of an int8 Add (kernels/qs8_add.h) from the scales and zero
// points of its operands a and b and its output y (zero points optional: uint8 zero), with
// an absorbed Relu or Clip as the clamp: vigil.QAdd's, and those of the residual Add that
// vigil.QConv may carry. A bad-input Error naming `what` for a non-8-bit zero point or a
// bad scale.
kernels::QS8AddParameters read_q8_add_parameters(const Tensor& a_scale, const Tensor* a_zero_point,
                                                 const Tensor& b_scale, const Tensor* b_zero_point,
                                                 const Tensor& y_scale, const Tensor* y_zero_point,
                                                 const kernels::ActivationSpec& activation, const std::string& what);

}  // namespace vigil

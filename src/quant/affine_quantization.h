// SPDX-License-Identifier: Apache-2.0
// The arithmetic of post-training quantization, shared by calibration (the mse method
// measures errors with it) and the QDQ writer: the scale and zero point an activation
// range gets, int8 weights with per-tensor or per-output-channel scales, and int32
// biases. Rounding is half to even, as QuantizeLinear rounds, so the values written
// dequantize back the way ONNX Runtime's quantizer would make them.
#pragma once

#include <cstdint>
#include <vector>

#include "core/tensor.h"

namespace vigil::quant {

// A float interval [lo, hi] that calibration chose for a tensor.
struct Range {
  float lo = 0;
  float hi = 0;
};

// How an activation tensor is quantized: uint8 or int8, asymmetric (a zero point that
// maps lo..hi onto the whole integer range) or symmetric; or, with fewer than 8 bits, the
// unsigned asymmetric integers 0 .. 2^bits - 1 whatever the type and symmetry.
struct ActivationScheme {
  DType type = DType::UInt8;
  bool symmetric = false;
  int bits = 8;
};

struct ScaleZeroPoint {
  float scale = 1.0f;
  int32_t zero_point = 0;
  // The float a quantized value stands for, and the quantized value of x (round half to
  // even after a float32 division, as QuantizeLinear computes it, then saturated).
  float dequantize(int32_t q) const { return scale * static_cast<float>(q - zero_point); }
  int32_t quantize(float x, int32_t qmin, int32_t qmax) const;
};

// The integer range of an activation type (uint8 0..255, int8 -128..127; symmetric int8
// uses -127..127 so that the range is symmetric about zero, as ONNX Runtime does; fewer
// bits: 0 .. 2^bits - 1).
struct IntegerRange {
  int32_t min, max;
};
IntegerRange integer_range(const ActivationScheme& scheme);

// Scale and zero point for `range`. The range is first widened to contain zero, so zero
// is exactly representable (padding and ReLU outputs stay exact). Asymmetric: scale =
// (hi - lo) / (qmax - qmin), zero point = round(qmin - lo / scale). Symmetric with t =
// max(|lo|, |hi|): int8 scale t / 127 with zero point 0; uint8 scale 2t / 255 with zero
// point 128. An empty range (all zeros) gets scale 1.
ScaleZeroPoint activation_parameters(Range range, const ActivationScheme& scheme);

// An int8 weight tensor with symmetric scales (zero point 0): one per index along `axis`,
// or one for the whole tensor when axis is -1.
struct QuantizedWeight {
  Tensor values;  // int8, the weight's shape
  std::vector<float> scales;
  int64_t axis = -1;
};
// scale = clip * max|w| / L over each channel (or the whole tensor), q = round(w / scale)
// clamped to [-L, L], with L = 2^(bits - 1) - 1 (127 at 8 bits, 1 at 2: ternary). clip in
// (0, 1] clips the largest weights to clip * max|w| (a finer grid for the rest; fewer
// large values for a flipped bit to reach). One bit: q = +1 where w >= 0, else -1, and
// scale = the mean |w| (XNOR-Net's), as QONNX's BipolarQuant computes it. An all-zero
// channel gets scale 1. `weight` is float32 of rank > axis.
QuantizedWeight quantize_weight(const Tensor& weight, int64_t axis, float clip, int bits = 8);

// An int32 bias for a product whose input has `input_scale` and whose weight has
// `weight_scales` (one, or one per element of the bias): scale_c = input_scale *
// weight_scale_c (float32), q = round(b / scale_c) saturated to int32.
struct QuantizedBias {
  Tensor values;  // int32, the bias's shape
  std::vector<float> scales;
};
QuantizedBias quantize_bias(const Tensor& bias, float input_scale, const std::vector<float>& weight_scales);

}  // namespace vigil::quant

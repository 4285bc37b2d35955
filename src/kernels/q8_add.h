// The int8 element-wise sum of two quantized tensors onto a third grid, as a QDQ Add group
// computes it (vigil.QAdd, ops/q_add.cc), in fixed point:
//   y = clamp(y_zero_point + round_half_even((a - a_zero_point) x a_scale / y_scale
//                                            + (b - b_zero_point) x b_scale / y_scale))
// Both ratios share one exponent: the larger is a FixedPointMultiplier (kernels/
// requantize.h) and the smaller a mantissa on the same 2^-(31 + shift) grid, so the sum of
// the two exact 64-bit products is rounded once. Bytes are uint8 or int8 (all three alike).
#pragma once

#include <cstdint>

namespace vigil::kernels {

struct Q8AddParameters {
  int32_t a_zero_point = 0, b_zero_point = 0;
  int64_t a_mantissa = 0, b_mantissa = 0;  // below 2^31
  int shift = 0;                           // the sum is divided by 2^(31 + shift)
  int32_t y_zero_point = 0, y_min = 0, y_max = 255;
  bool is_signed = false;  // int8 bytes

  // The parameters for these scales; a bad-input Error for a ratio outside (0, 2^30).
  static Q8AddParameters make(float a_scale, int32_t a_zero_point, float b_scale, int32_t b_zero_point,
                              float y_scale, int32_t y_zero_point, int32_t y_min, int32_t y_max, bool is_signed);
};

// y[i] for i < count; y may alias a or b.
void q8_add(const Q8AddParameters& p, int64_t count, const uint8_t* a, const uint8_t* b, uint8_t* y);

}  // namespace vigil::kernels

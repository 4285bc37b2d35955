// SPDX-License-Identifier: Apache-2.0
// The int8 element-wise sum of two quantized tensors onto a third grid, as a QDQ Add group
// computes it (vigil.QAdd, ops/quantized/vigil_qadd.cc), in fixed point:
//   y = clamp(y_zero_point + round_half_even((a - a_zero_point) x a_scale / y_scale
//                                            + (b - b_zero_point) x b_scale / y_scale))
// Both ratios share one exponent: the larger is a FixedPointMultiplier (kernels/
// requantize.h) and the smaller a mantissa on the same 2^-(31 + shift) grid, so the sum of
// the two exact 64-bit products is rounded once. Bytes are uint8 or int8 (all three alike).
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

struct QS8AddParameters {
  int32_t a_zero_point = 0, b_zero_point = 0;
  int64_t a_mantissa = 0, b_mantissa = 0;  // below 2^31
  int shift = 0;                           // the sum is divided by 2^(31 + shift)
  int32_t y_zero_point = 0, y_min = 0, y_max = 255;
  bool is_signed = false;  // int8 bytes

  // The same sum in 32-bit lanes, for the vector loops. Each mantissa is split as
  // high x 2^16 + low, both int16 (low in [-2^15, 2^15)), so that one vpmaddwd of the
  // centred pair (a, b) gives a x a_high + b x b_high and another the low products, each
  // below 2^25. Then sum = S x 2^16 + L with S = highs + (lows >> 16) and L = lows mod 2^16,
  // and with U = 15 + shift: round_half_even(sum / 2^(16 + U)) = (S + 2^(U-1)) >> U, its
  // low bit cleared at the ties (L = 0 and S mod 2^U = 2^(U-1)). Valid (`split`) when the
  // highs fit int16 and U lies in [1, 30]: every scale ratio between 2^-15 and 2^14.
  bool split = false;
  int32_t high_pair = 0, low_pair = 0;  // (a's half) | (b's half) << 16, as vpmaddwd reads them
  int split_shift = 0;                  // U

  // The parameters for these scales; a bad-input Error for a ratio outside (0, 2^30).
  static QS8AddParameters make(float a_scale, int32_t a_zero_point, float b_scale, int32_t b_zero_point, float y_scale,
                               int32_t y_zero_point, int32_t y_min, int32_t y_max, bool is_signed);
};

struct QS8AddKernel {
  const char* name;
  CpuFeatures needs;
  // The vector rows for split parameters (QS8AddParameters::split); nullptr for the scalar
  // kernel, whose loop does every case.
  void (*split_rows)(const QS8AddParameters& p, int64_t rows, int64_t count, const uint8_t* a, int64_t a_ld,
                     const uint8_t* b, int64_t b_ld, uint8_t* y, int64_t y_ld);
};
// qs8_add__scalar, qs8_add__avx512.
const KernelRegistry<QS8AddKernel>& qs8_add_kernels();

// y[i] for i < count; y may alias a or b.
void qs8_add(const QS8AddParameters& p, int64_t count, const uint8_t* a, const uint8_t* b, uint8_t* y);

// The same on a block of `rows` rows of `count` elements, each operand with its own row
// stride (in elements): y[r * y_ld + i] from a[r * a_ld + i] and b[r * b_ld + i]. The int8
// GEMM applies a fused residual Add through it, tile by tile (kernels/qs8_gemm.h).
void qs8_add_rows(const QS8AddParameters& p, int64_t rows, int64_t count, const uint8_t* a, int64_t a_ld,
                  const uint8_t* b, int64_t b_ld, uint8_t* y, int64_t y_ld);

}  // namespace vigil::kernels

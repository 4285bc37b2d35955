// SPDX-License-Identifier: Apache-2.0
// Fixed-point requantization (kernels/requantize.h) on sixteen int32 lanes of AVX-512, for
// the int8 kernels compiled with AVX-512 flags: the exact 64-bit products of vpmuldq (even
// and odd lanes apart), rounded half to even by one shift, added to the zero point and
// clamped in 64 bits, so any multiplier and sum give what the scalar requantize() gives.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/requantize.h"

namespace vigil::kernels::avx512 {

// The constants of one multiplier, zero point and clamp, broadcast.
struct RequantizeVector {
  __m512i mantissa, total, rounding;  // 64-bit lanes; rounding = 2^(total - 1) - 1
  __m512i zero_point, lower, upper;   // 64-bit lanes

  RequantizeVector(FixedPointMultiplier m, int32_t zero_point_value, int32_t min, int32_t max)
      : mantissa(_mm512_set1_epi64(m.mantissa)),
        total(_mm512_set1_epi64(31 + m.shift)),
        rounding(_mm512_set1_epi64((int64_t{1} << (30 + m.shift)) - 1)),
        zero_point(_mm512_set1_epi64(zero_point_value)),
        lower(_mm512_set1_epi64(min)),
        upper(_mm512_set1_epi64(max)) {}
};

// round_half_even(x / 2^total) = (x + 2^(total-1) - 1 + bit `total` of x) >> total.
inline __m512i round_shift_half_even_epi64(__m512i x, __m512i total, __m512i rounding) {
  const __m512i odd = _mm512_and_si512(_mm512_srlv_epi64(x, total), _mm512_set1_epi64(1));
  return _mm512_srav_epi64(_mm512_add_epi64(_mm512_add_epi64(x, rounding), odd), total);
}

// requantize() of the sixteen int32 sums in `v`, as int32 lanes.
inline __m512i requantize_epi32(__m512i v, const RequantizeVector& q) {
  auto half = [&](__m512i lanes) {  // the low 32 bits of each 64-bit lane
    const __m512i rounded = round_shift_half_even_epi64(_mm512_mul_epi32(lanes, q.mantissa), q.total, q.rounding);
    return _mm512_min_epi64(_mm512_max_epi64(_mm512_add_epi64(rounded, q.zero_point), q.lower), q.upper);
  };
  const __m512i even = half(v), odd = half(_mm512_srli_epi64(v, 32));
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

}  // namespace vigil::kernels::avx512

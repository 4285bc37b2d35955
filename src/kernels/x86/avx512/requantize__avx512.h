// SPDX-License-Identifier: Apache-2.0
// Fixed-point requantization (kernels/requantize.h) on sixteen int32 lanes of AVX-512, for
// the int8 kernels compiled with AVX-512 flags (the VNNI GEMM's epilogue, the depthwise
// convolutions): the exact 64-bit products of vpmuldq (even and odd lanes apart), rounded
// half up by one add and shift, then at the ties (found from the sums' own low bits,
// kernels/requantize.h rounding_ties) the low bit cleared, which is half to even; a clamp.
// Below a multiplier of 1 every rounded value fits 32 bits, so the ties and the clamp work
// on 32-bit lanes; from 1 up they are settled in 64-bit lanes first. Any multiplier and sum
// give what the scalar requantize() gives.
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "kernels/requantize.h"

namespace vigil::kernels::avx512 {

// One multiplier, broadcast: 64-bit lanes for the product and its shift, 32-bit lanes for
// the ties.
struct MultiplierVector {
  __m512i mantissa, half, total;  // half = 2^(total - 1)
  __m512i tie_bits, tie_pattern;
  bool wide;  // a multiplier of 1 or more: a shifted product may pass 32 bits
};

inline MultiplierVector multiplier_vector(int64_t mantissa, int total, RoundingTies ties, bool wide) {
  return {_mm512_set1_epi64(mantissa),
          _mm512_set1_epi64(int64_t{1} << (total - 1)),
          _mm512_set1_epi64(total),
          _mm512_set1_epi32(static_cast<int32_t>(ties.low_bits)),
          _mm512_set1_epi32(static_cast<int32_t>(ties.pattern)),
          wide};
}

inline MultiplierVector multiplier_vector(FixedPointMultiplier m) {
  return multiplier_vector(m.mantissa, 31 + m.shift, rounding_ties(m), m.shift < 0);
}

// The output's bounds less its zero point, and the zero point (32-bit lanes), with the
// bounds in 64-bit lanes for wide multipliers.
struct ClampVector {
  __m512i lower, upper, zero_point;
  __m512i lower64, upper64;
};

inline ClampVector clamp_vector(int32_t zero_point, int32_t min, int32_t max) {
  const int64_t lower = int64_t{min} - zero_point, upper = int64_t{max} - zero_point;
  return {_mm512_set1_epi32(static_cast<int32_t>(lower)), _mm512_set1_epi32(static_cast<int32_t>(upper)),
          _mm512_set1_epi32(zero_point), _mm512_set1_epi64(lower), _mm512_set1_epi64(upper)};
}

// requantize() of the sixteen int32 sums in `v`, as int32 lanes.
inline __m512i requantize_epi32(__m512i v, const MultiplierVector& k, const ClampVector& b) {
  auto product_rounded = [&](__m512i lanes) {  // the low 32 bits of each 64-bit lane
    return _mm512_srav_epi64(_mm512_add_epi64(_mm512_mul_epi32(lanes, k.mantissa), k.half), k.total);
  };
  const __m512i odd_lanes = _mm512_srli_epi64(v, 32);
  __m512i even = product_rounded(v), odd = product_rounded(odd_lanes);
  if (k.wide) {
    const __m512i bits = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(k.tie_bits));
    const __m512i pattern = _mm512_cvtepu32_epi64(_mm512_castsi512_si256(k.tie_pattern));
    const __m512i one = _mm512_set1_epi64(1);
    auto settle_ties = [&](__m512i rounded, __m512i lanes) {
      const __mmask8 ties = _mm512_cmpeq_epi64_mask(_mm512_and_si512(lanes, bits), pattern);
      return _mm512_min_epi64(_mm512_max_epi64(_mm512_mask_andnot_epi64(rounded, ties, one, rounded), b.lower64),
                              b.upper64);
    };
    even = settle_ties(even, v);
    odd = settle_ties(odd, odd_lanes);
    const __m512i y = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
    return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(y, b.lower), b.upper), b.zero_point);
  }
  // Below 1, |sum x multiplier| < 2^31: the rounded values fit the 32-bit lanes.
  const __mmask16 ties = _mm512_cmpeq_epi32_mask(_mm512_and_si512(v, k.tie_bits), k.tie_pattern);
  __m512i y = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
  y = _mm512_mask_andnot_epi32(y, ties, _mm512_set1_epi32(1), y);
  return _mm512_add_epi32(_mm512_min_epi32(_mm512_max_epi32(y, b.lower), b.upper), b.zero_point);
}

}  // namespace vigil::kernels::avx512

// SPDX-License-Identifier: Apache-2.0
// The int8 Add of kernels/qs8_add.h on sixteen 32-bit lanes of AVX-512, in the 16-bit split
// form of its parameters (QS8AddParameters::split): the centred operands paired as int16,
// two vpmaddwd for the high and low halves of both products, a rounding shift in 32 bits
// with the ties to even, the zero point and the clamp. Shared by the element-wise loop
// (qs8_add__avx512.cc) and the int8 GEMM's fused residual Add, which has the first operand
// already centred in its registers. Bit-exact with the scalar loop of qs8_add.cc.
#pragma once

#include <immintrin.h>

#include "kernels/qs8_add.h"

namespace vigil::kernels::avx512 {

// The constants of one Add, broadcast.
struct QS8AddVector {
  __m512i a_zero, b_zero, high_pair, low_pair, half, tie_bits, y_zero, y_min, y_max;
  __m128i shift;
  bool is_signed;

  explicit QS8AddVector(const QS8AddParameters& p)
      : a_zero(_mm512_set1_epi32(p.a_zero_point)),
        b_zero(_mm512_set1_epi32(p.b_zero_point)),
        high_pair(_mm512_set1_epi32(p.high_pair)),
        low_pair(_mm512_set1_epi32(p.low_pair)),
        half(_mm512_set1_epi32(1 << (p.split_shift - 1))),
        tie_bits(_mm512_set1_epi32((1 << p.split_shift) - 1)),
        y_zero(_mm512_set1_epi32(p.y_zero_point)),
        y_min(_mm512_set1_epi32(p.y_min)),
        y_max(_mm512_set1_epi32(p.y_max)),
        shift(_mm_cvtsi32_si128(p.split_shift)),
        is_signed(p.is_signed) {}

  // Sixteen bytes as int32, less the zero point.
  __m512i centred(__m128i bytes, __m512i zero_point) const {
    return _mm512_sub_epi32(is_signed ? _mm512_cvtepi8_epi32(bytes) : _mm512_cvtepu8_epi32(bytes), zero_point);
  }

  // The sums of centred a and b (each in [-255, 255]) as int32 outputs, clamped.
  __m512i add(__m512i a, __m512i b) const {
    const __m512i low16 = _mm512_set1_epi32(0xFFFF);
    const __m512i pairs = _mm512_or_si512(_mm512_and_si512(a, low16), _mm512_slli_epi32(b, 16));
    const __m512i lows = _mm512_madd_epi16(pairs, low_pair);
    const __m512i s = _mm512_add_epi32(_mm512_madd_epi16(pairs, high_pair), _mm512_srai_epi32(lows, 16));
    const __mmask16 ties =
        _mm512_testn_epi32_mask(lows, low16) & _mm512_cmpeq_epi32_mask(_mm512_and_si512(s, tie_bits), half);
    __m512i q = _mm512_sra_epi32(_mm512_add_epi32(s, half), shift);
    q = _mm512_mask_andnot_epi32(q, ties, _mm512_set1_epi32(1), q);
    return _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(q, y_zero), y_min), y_max);
  }
};

}  // namespace vigil::kernels::avx512

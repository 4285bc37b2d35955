// SPDX-License-Identifier: Apache-2.0
// The per-tensor quantization of kernels/f32_qs8_quantize.h, sixteen floats per step: divide,
// bound (so that the conversion cannot overflow, and NaN goes to the lower bound as in
// the scalar loop), convert with the default rounding (to nearest, ties to even), add the
// zero point, clamp to the type and store the low bytes. Bit-exact with the scalar loop.
// Also the range of a tensor (min, max, and whether all values are finite).
#include <immintrin.h>

#include <cstdint>

// GCC 12's min, max and conversion intrinsics pass an undefined vector as the unused merge
// source, which -Wmaybe-uninitialized and -Wuninitialized report at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace vigil::kernels {

int64_t f32_qs8_quantize__avx512(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed,
                                 uint8_t* y) {
  const __m512 divisor = _mm512_set1_ps(scale);
  const __m512 bound_low = _mm512_set1_ps(-1.0e9f), bound_high = _mm512_set1_ps(1.0e9f);
  const __m512i zero = _mm512_set1_epi32(zero_point);
  const __m512i low = _mm512_set1_epi32(is_signed ? -128 : 0), high = _mm512_set1_epi32(is_signed ? 127 : 255);
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    __m512 quotient = _mm512_div_ps(_mm512_loadu_ps(x + i), divisor);
    quotient = _mm512_min_ps(_mm512_max_ps(quotient, bound_low), bound_high);  // NaN -> bound_low
    __m512i value = _mm512_add_epi32(_mm512_cvtps_epi32(quotient), zero);
    value = _mm512_min_epi32(_mm512_max_epi32(value, low), high);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm512_cvtepi32_epi8(value));
  }
  return i;
}

int64_t f32_finite_range__avx512(int64_t count, const float* x, float& low, float& high, bool& finite) {
  __m512 lows = _mm512_set1_ps(low), highs = _mm512_set1_ps(high);
  __mmask16 not_finite = 0;
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m512 v = _mm512_loadu_ps(x + i);
    lows = _mm512_min_ps(lows, v);
    highs = _mm512_max_ps(highs, v);
    not_finite |= _mm512_fpclass_ps_mask(v, 0x99);  // quiet NaN, signalling NaN, +inf, -inf
  }
  low = _mm512_reduce_min_ps(lows);
  high = _mm512_reduce_max_ps(highs);
  finite = not_finite == 0;
  return i;
}

}  // namespace vigil::kernels

// The int8 Add of kernels/q8_add.h, sixteen elements per step on AVX-512: bytes widened to
// int32 and centred, the two products per element formed exactly in 64 bits (even and
// odd lanes apart, vpmuldq), summed, shifted with ties to even, and packed back with the
// clamp (x86/avx512/requantize_avx512.h); bit-exact with the scalar loop of q8_add.cc, which
// also takes the tail.
#include <immintrin.h>

#include "kernels/q8_add.h"
#include "kernels/x86/avx512/requantize_avx512.h"

// GCC 12's 64-bit shift intrinsics pass an undefined vector as the unused merge source,
// which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::kernels {


int64_t q8_add__avx512(const Q8AddParameters& p, int64_t count, const uint8_t* a, const uint8_t* b, uint8_t* y) {
  const __m512i a_zero = _mm512_set1_epi32(p.a_zero_point), b_zero = _mm512_set1_epi32(p.b_zero_point);
  const __m512i a_mantissa = _mm512_set1_epi64(p.a_mantissa), b_mantissa = _mm512_set1_epi64(p.b_mantissa);
  const __m512i total = _mm512_set1_epi64(31 + p.shift);
  const __m512i rounding = _mm512_set1_epi64((int64_t{1} << (30 + p.shift)) - 1);
  const __m512i y_zero = _mm512_set1_epi32(p.y_zero_point);
  const __m512i y_min = _mm512_set1_epi32(p.y_min), y_max = _mm512_set1_epi32(p.y_max);
  int64_t i = 0;
  for (; i + 16 <= count; i += 16) {
    const __m128i a_bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i));
    const __m128i b_bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + i));
    const __m512i av = _mm512_sub_epi32(p.is_signed ? _mm512_cvtepi8_epi32(a_bytes) : _mm512_cvtepu8_epi32(a_bytes),
                                        a_zero);
    const __m512i bv = _mm512_sub_epi32(p.is_signed ? _mm512_cvtepi8_epi32(b_bytes) : _mm512_cvtepu8_epi32(b_bytes),
                                        b_zero);
    // vpmuldq reads the low (signed) half of each 64-bit lane: even elements as they are,
    // odd ones after a 32-bit shift.
    const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(av, a_mantissa), _mm512_mul_epi32(bv, b_mantissa));
    const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(av, 32), a_mantissa),
                                         _mm512_mul_epi32(_mm512_srli_epi64(bv, 32), b_mantissa));
    const __m512i even_rounded = avx512::round_shift_half_even_epi64(even, total, rounding);
    const __m512i odd_rounded = avx512::round_shift_half_even_epi64(odd, total, rounding);
    // The rounded values fit in 32 bits: odd ones move to the upper halves.
    __m512i sum = _mm512_mask_blend_epi32(0xAAAA, even_rounded, _mm512_slli_epi64(odd_rounded, 32));
    sum = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(sum, y_zero), y_min), y_max);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm512_cvtepi32_epi8(sum));  // in range: truncation is exact
  }
  return i;
}

}  // namespace vigil::kernels

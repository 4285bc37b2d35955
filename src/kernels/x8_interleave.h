// SPDX-License-Identifier: Apache-2.0
// Four rows of bytes interleaved into 4-byte groups, the "c4" layout of the int8 GEMM's B
// panels (kernels/qs8_gemm.h: four consecutive k of one column side by side, what a
// vpdpbusd lane sums): dst[4 j + q] = rows[q][j] ^ flip. Sixteen columns at a time in
// SSE2 registers (part of every x86-64), the rest byte by byte. The GEMM's own packing and
// the convolution's patch packer (kernels/x8_conv_patches.cc) write panels through it.
#pragma once

#include <emmintrin.h>

#include <cstdint>

namespace vigil::kernels {

inline void interleave_four_rows(const uint8_t* const rows[4], int64_t count, uint8_t flip, uint8_t* dst) {
  int64_t j = 0;
  const __m128i sign = _mm_set1_epi8(static_cast<char>(flip));
  for (; j + 16 <= count; j += 16) {
    auto row = [&](int q) {
      return _mm_xor_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[q] + j)), sign);
    };
    const __m128i r0 = row(0), r1 = row(1), r2 = row(2), r3 = row(3);
    const __m128i lo01 = _mm_unpacklo_epi8(r0, r1), lo23 = _mm_unpacklo_epi8(r2, r3);
    const __m128i hi01 = _mm_unpackhi_epi8(r0, r1), hi23 = _mm_unpackhi_epi8(r2, r3);
    __m128i* d = reinterpret_cast<__m128i*>(dst + j * 4);
    _mm_storeu_si128(d, _mm_unpacklo_epi16(lo01, lo23));
    _mm_storeu_si128(d + 1, _mm_unpackhi_epi16(lo01, lo23));
    _mm_storeu_si128(d + 2, _mm_unpacklo_epi16(hi01, hi23));
    _mm_storeu_si128(d + 3, _mm_unpackhi_epi16(hi01, hi23));
  }
  for (; j < count; ++j) {
    for (int q = 0; q < 4; ++q) dst[j * 4 + q] = rows[q][j] ^ flip;
  }
}

}  // namespace vigil::kernels

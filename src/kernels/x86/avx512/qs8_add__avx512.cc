// SPDX-License-Identifier: Apache-2.0
// The int8 Add of kernels/qs8_add.h, sixteen elements per step on AVX-512: bytes widened to
// int32 and centred, summed in the 16-bit split form (x86/avx512/qs8_add__avx512.h) and
// narrowed back; a row's tail under a mask. Bit-exact with the scalar loop of qs8_add.cc.
#include <immintrin.h>

#include "kernels/qs8_add.h"
#include "kernels/x86/avx512/qs8_add__avx512.h"

// GCC 12's masked-move intrinsics pass an undefined vector as the unused merge source,
// which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::kernels {

void qs8_add_rows__avx512(const QS8AddParameters& p, int64_t rows, int64_t count, const uint8_t* a, int64_t a_ld,
                          const uint8_t* b, int64_t b_ld, uint8_t* y, int64_t y_ld) {
  const avx512::QS8AddVector add(p);
  // Sixteen elements under `mask` (the bytes beyond it are neither read nor written).
  auto step = [&](const uint8_t* a_at, const uint8_t* b_at, uint8_t* y_at, __mmask16 mask) {
    const __m512i sum = add.add(add.centred(_mm_maskz_loadu_epi8(mask, a_at), add.a_zero),
                                add.centred(_mm_maskz_loadu_epi8(mask, b_at), add.b_zero));
    _mm_mask_storeu_epi8(y_at, mask, _mm512_cvtepi32_epi8(sum));  // in range: truncation is exact
  };
  const __mmask16 tail = static_cast<__mmask16>((1u << (count % 16)) - 1);
  for (int64_t r = 0; r < rows; ++r, a += a_ld, b += b_ld, y += y_ld) {
    int64_t i = 0;
    for (; i + 16 <= count; i += 16) step(a + i, b + i, y + i, 0xFFFF);
    if (tail) step(a + i, b + i, y + i, tail);
  }
}

}  // namespace vigil::kernels

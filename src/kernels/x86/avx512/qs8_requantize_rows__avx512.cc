// SPDX-License-Identifier: Apache-2.0
// The AVX-512 kernel of kernels/qs8_requantize_rows.h: sixteen sums a step through the
// zmm micro-kernels' requantization (x86/avx512/requantize__avx512.h), the last step of a
// row under a mask.
#include <immintrin.h>

// GCC 12's 64-bit shift, min and max intrinsics pass an undefined vector as the unused
// merge source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/qs8_requantize_rows.h"
#include "kernels/x86/avx512/requantize__avx512.h"

namespace vigil::kernels {

void qs8_requantize_rows__avx512(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                                 uint8_t* out, int64_t ldo) {
  const avx512::ClampVector bounds = avx512::clamp_vector(e.c_zero_point, e.c_min, e.c_max);
  for (int64_t r = 0; r < rows; ++r) {
    const QS8RowEpilogue& row = e.rows[r];
    const avx512::MultiplierVector k = avx512::multiplier_vector(row.mantissa, row.total, row.ties, row.wide);
    const __m512i offset = _mm512_set1_epi32(row.offset);
    const int32_t* source = sums + r * ld;
    uint8_t* target = out + r * ldo;
    for (int64_t j = 0; j < cols; j += 16) {
      const __mmask16 mask = cols - j >= 16 ? __mmask16{0xffff} : static_cast<__mmask16>((1u << (cols - j)) - 1);
      const __m512i v = _mm512_add_epi32(_mm512_maskz_loadu_epi32(mask, source + j), offset);
      _mm_mask_storeu_epi8(target + j, mask, _mm512_cvtepi32_epi8(avx512::requantize_epi32(v, k, bounds)));
    }
  }
}

}  // namespace vigil::kernels

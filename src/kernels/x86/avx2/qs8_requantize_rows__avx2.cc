// SPDX-License-Identifier: Apache-2.0
// The AVX2 kernel of kernels/qs8_requantize_rows.h: eight sums a step through the ymm
// micro-kernels' requantization (x86/avx2/qs8_gemm_epilogue__avx2.h).
#include "kernels/qs8_requantize_rows.h"
#include "kernels/x86/avx2/qs8_gemm_epilogue__avx2.h"

namespace vigil::kernels {

void qs8_requantize_rows__avx2(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                               uint8_t* out, int64_t ldo) {
  for (int64_t r = 0; r < rows; ++r) {
    const avx2::RowRequant q = avx2::row_requant(e, static_cast<int>(r));
    const __m256i offset = _mm256_set1_epi32(e.rows[r].offset);
    const int32_t* row = sums + r * ld;
    char* target = reinterpret_cast<char*>(out + r * ldo);
    for (int64_t j = 0; j < cols; j += 8) {
      const int live = static_cast<int>(cols - j < 8 ? cols - j : 8);
      __m256i v;
      if (live == 8) {
        v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + j));
      } else {
        const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        v = _mm256_maskload_epi32(row + j, _mm256_cmpgt_epi32(_mm256_set1_epi32(live), lanes));
      }
      avx2::store_bytes(e.output, avx2::requantize(_mm256_add_epi32(v, offset), q), live, target + j);
    }
  }
}

}  // namespace vigil::kernels

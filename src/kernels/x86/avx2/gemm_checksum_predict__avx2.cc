// SPDX-License-Identifier: Apache-2.0
// The checksum kernels (kernels/gemm_checksum_predict.h) on AVX2: the fp32 ones as the
// compiler vectorizes kernels/gemm_checksum_predict_loops.h; the int8 prediction per group
// of 4 k and per 8 columns: vpmaddubsw of the panel's unsigned bytes and the digits' 4
// signed bytes (pairs of at most 255 x 64 x 2, within int16: no saturation), widened to
// int32 by vpmaddwd with ones, one chain per digit, the digits' sums shifted by 7 bits
// each and added modulo 2^32. Compiled with the AVX2 and FMA flags.
#include <immintrin.h>

#include <cstring>

#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"

namespace vigil::kernels {

namespace {

template <int kDigits>
void s32_digits(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int nr, int cols,
                uint32_t* expected) {
  const __m256i ones = _mm256_set1_epi16(1);
  for (int v = 0; v * 8 < cols; ++v) {
    __m256i sums[kDigits];
    for (__m256i& digit : sums) digit = _mm256_setzero_si256();
    for (int64_t g = 0; g < groups; ++g) {
      const __m256i bytes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + g * nr * 4 + v * 32));
      for (int d = 0; d < kDigits; ++d) {
        int32_t quad;
        std::memcpy(&quad, checksum.digits + d * 4 * groups + 4 * g, 4);
        const __m256i pairs = _mm256_maddubs_epi16(bytes, _mm256_set1_epi32(quad));
        sums[d] = _mm256_add_epi32(sums[d], _mm256_madd_epi16(pairs, ones));
      }
    }
    __m256i total = sums[0];
    for (int d = 1; d < kDigits; ++d) total = _mm256_add_epi32(total, _mm256_slli_epi32(sums[d], 7 * d));
    alignas(32) uint32_t lanes[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), total);
    for (int j = 0; j < 8 && v * 8 + j < cols; ++j) expected[v * 8 + j] += lanes[j];
  }
}

void s32(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int nr, int cols, uint32_t* expected) {
  if (nr % 8 == 0) {
    switch (checksum.digit_count) {
      case 1: return s32_digits<1>(checksum, groups, panel, nr, cols, expected);
      case 2: return s32_digits<2>(checksum, groups, panel, nr, cols, expected);
      case 3: return s32_digits<3>(checksum, groups, panel, nr, cols, expected);
      case 4: return s32_digits<4>(checksum, groups, panel, nr, cols, expected);
      case 5: return s32_digits<5>(checksum, groups, panel, nr, cols, expected);
      default: break;
    }
  }
  gemm_checksum_predict_loops::s32(checksum, groups, panel, nr, cols, expected);
}

}  // namespace

extern const GemmChecksumPredictKernel gemm_checksum_predict__avx2;
const GemmChecksumPredictKernel gemm_checksum_predict__avx2 = {
    "gemm_checksum_predict__avx2",   kAvx2Features, gemm_checksum_predict_loops::f32, s32,
    gemm_checksum_predict_loops::f32_add_row,
    gemm_checksum_predict_loops::f64_add_rows};

}  // namespace vigil::kernels

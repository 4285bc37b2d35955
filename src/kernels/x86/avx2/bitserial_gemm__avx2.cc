// SPDX-License-Identifier: Apache-2.0
// The AVX2 bit-serial GEMM (kernels/bitserial_gemm.h): AVX2 has no vector popcount, so
// each AND of a broadcast row word with a block's words (two ymm of 4 words) is counted
// by nibbles through vpshufb look-ups (Mula's method), summed in bytes for up to 31 words
// (a byte holds at most 8 a word) and widened by vpsadbw. A tile is 4 rows x 1 block.
#include <immintrin.h>

#include <algorithm>

#include "kernels/bitserial_gemm.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 4;
constexpr int64_t kWordsPerByteSum = 31;  // 31 x 8 = 248 fits a byte

// 8 int32 of the low halves of two vectors of 4 int64.
__m256i narrow(__m256i low, __m256i high) {
  const __m256 both = _mm256_shuffle_ps(_mm256_castsi256_ps(low), _mm256_castsi256_ps(high), _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_permute4x64_epi64(_mm256_castps_si256(both), _MM_SHUFFLE(3, 1, 2, 0));
}

template <int R>
void tile(const BitSerialGemm& p, int64_t r0, int64_t block) {
  const int64_t block_words = p.w_planes * p.words * kBitSerialLanes;
  const int64_t c0 = block * kBitSerialLanes;
  const int valid = static_cast<int>(std::min<int64_t>(kBitSerialLanes, p.cols - c0));
  const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(valid), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  const __m256i column = p.column_term ? _mm256_maskload_epi32(p.column_term + c0, mask) : _mm256_setzero_si256();
  __m256i total[R];
  for (int r = 0; r < R; ++r)
    total[r] = _mm256_add_epi32(column, _mm256_set1_epi32(p.row_term ? p.row_term[r0 + r] : 0));
  const __m256i lookup =
      _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
  const __m256i nibble = _mm256_set1_epi8(0x0f);
  for (int j = 0; j < p.x_planes; ++j) {
    for (int i = 0; i < p.w_planes; ++i) {
      __m256i count[R][2];
      for (int r = 0; r < R; ++r) count[r][0] = count[r][1] = _mm256_setzero_si256();
      const uint64_t* x = p.x + (r0 * p.x_planes + j) * p.words;
      const uint64_t* w = p.w + block * block_words + i * p.words * kBitSerialLanes;
      for (int64_t k0 = 0; k0 < p.words; k0 += kWordsPerByteSum) {
        __m256i bytes[R][2];
        for (int r = 0; r < R; ++r) bytes[r][0] = bytes[r][1] = _mm256_setzero_si256();
        const int64_t k1 = std::min(p.words, k0 + kWordsPerByteSum);
        for (int64_t k = k0; k < k1; ++k) {
          const __m256i weights[2] = {
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k * kBitSerialLanes)),
              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + k * kBitSerialLanes + 4))};
          for (int r = 0; r < R; ++r) {
            const __m256i bits = _mm256_set1_epi64x(static_cast<long long>(x[r * p.x_planes * p.words + k]));
            for (int h = 0; h < 2; ++h) {
              const __m256i both = _mm256_and_si256(bits, weights[h]);
              const __m256i low = _mm256_shuffle_epi8(lookup, _mm256_and_si256(both, nibble));
              const __m256i high = _mm256_shuffle_epi8(lookup, _mm256_and_si256(_mm256_srli_epi16(both, 4), nibble));
              bytes[r][h] = _mm256_add_epi8(bytes[r][h], _mm256_add_epi8(low, high));
            }
          }
        }
        for (int r = 0; r < R; ++r) {
          for (int h = 0; h < 2; ++h) {
            count[r][h] = _mm256_add_epi64(count[r][h], _mm256_sad_epu8(bytes[r][h], _mm256_setzero_si256()));
          }
        }
      }
      const __m256i coefficient = _mm256_set1_epi32(p.pair_coefficients[j * p.w_planes + i]);
      for (int r = 0; r < R; ++r) {
        total[r] = _mm256_add_epi32(total[r], _mm256_mullo_epi32(narrow(count[r][0], count[r][1]), coefficient));
      }
    }
  }
  for (int r = 0; r < R; ++r) _mm256_maskstore_epi32(p.y + (r0 + r) * p.ldy + c0, mask, total[r]);
}

using TileFunction = void (*)(const BitSerialGemm&, int64_t, int64_t);
constexpr TileFunction kTiles[kRows] = {tile<1>, tile<2>, tile<3>, tile<4>};

}  // namespace

void bitserial_gemm__avx2(const BitSerialGemm& p, int64_t row_begin, int64_t row_end) {
  const int64_t blocks = (p.cols + kBitSerialLanes - 1) / kBitSerialLanes;
  for (int64_t b = 0; b < blocks; ++b) {
    for (int64_t r = row_begin; r < row_end; r += kRows) {
      kTiles[std::min<int64_t>(kRows, row_end - r) - 1](p, r, b);
    }
  }
}

}  // namespace vigil::kernels

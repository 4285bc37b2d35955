// SPDX-License-Identifier: Apache-2.0
// The AVX-512 bit-serial GEMM (kernels/bitserial_gemm.h): a tile of up to 6 rows x 4
// blocks of 8 columns, one zmm of 64-bit plane words per block. For every plane pair and
// word, each row's word is broadcast, ANDed with the 4 blocks' words, counted by vpopcntq
// and added to 24 count registers: 3 instructions per 512 products of bits. The counts
// are weighted by the pair's coefficient once per pair, at the end of the depth.
#include <immintrin.h>

#include <algorithm>

#include "kernels/bitserial_gemm.h"

// GCC 12's vpmovqd intrinsic passes an undefined vector as the unused merge source, which
// -Wmaybe-uninitialized (or, inlined, -Wuninitialized) reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace vigil::kernels {

namespace {

constexpr int kRows = 6, kBlocks = 4;

template <int R, int V>
void tile(const BitSerialGemm& p, int64_t r0, int64_t block0) {
  const int64_t block_words = p.w_planes * p.words * kBitSerialLanes;
  __m256i total[R][V];
  for (int v = 0; v < V; ++v) {
    const int64_t c0 = (block0 + v) * kBitSerialLanes;
    const __mmask8 valid = static_cast<__mmask8>(p.cols - c0 >= 8 ? 0xff : (1u << (p.cols - c0)) - 1);
    const __m256i column = p.column_term ? _mm256_maskz_loadu_epi32(valid, p.column_term + c0) : _mm256_setzero_si256();
    for (int r = 0; r < R; ++r) {
      total[r][v] = _mm256_add_epi32(column, _mm256_set1_epi32(p.row_term ? p.row_term[r0 + r] : 0));
    }
  }
  for (int j = 0; j < p.x_planes; ++j) {
    for (int i = 0; i < p.w_planes; ++i) {
      __m512i count[R][V];
      for (int r = 0; r < R; ++r) {
        for (int v = 0; v < V; ++v) count[r][v] = _mm512_setzero_si512();
      }
      const uint64_t* x = p.x + (r0 * p.x_planes + j) * p.words;
      const uint64_t* w = p.w + block0 * block_words + i * p.words * kBitSerialLanes;
      for (int64_t k = 0; k < p.words; ++k) {
        __m512i weights[V];
        for (int v = 0; v < V; ++v) weights[v] = _mm512_loadu_si512(w + v * block_words + k * kBitSerialLanes);
        for (int r = 0; r < R; ++r) {
          const __m512i bits = _mm512_set1_epi64(static_cast<long long>(x[r * p.x_planes * p.words + k]));
          for (int v = 0; v < V; ++v) {
            count[r][v] = _mm512_add_epi64(count[r][v], _mm512_popcnt_epi64(_mm512_and_si512(bits, weights[v])));
          }
        }
      }
      const __m256i coefficient = _mm256_set1_epi32(p.pair_coefficients[j * p.w_planes + i]);
      for (int r = 0; r < R; ++r) {
        for (int v = 0; v < V; ++v) {
          total[r][v] =
              _mm256_add_epi32(total[r][v], _mm256_mullo_epi32(_mm512_cvtepi64_epi32(count[r][v]), coefficient));
        }
      }
    }
  }
  for (int v = 0; v < V; ++v) {
    const int64_t c0 = (block0 + v) * kBitSerialLanes;
    const __mmask8 valid = static_cast<__mmask8>(p.cols - c0 >= 8 ? 0xff : (1u << (p.cols - c0)) - 1);
    for (int r = 0; r < R; ++r) _mm256_mask_storeu_epi32(p.y + (r0 + r) * p.ldy + c0, valid, total[r][v]);
  }
}

using TileFunction = void (*)(const BitSerialGemm&, int64_t, int64_t);

template <int R>
constexpr TileFunction kByBlocks[kBlocks] = {tile<R, 1>, tile<R, 2>, tile<R, 3>, tile<R, 4>};
constexpr const TileFunction* kTiles[kRows] = {kByBlocks<1>, kByBlocks<2>, kByBlocks<3>,
                                               kByBlocks<4>, kByBlocks<5>, kByBlocks<6>};

}  // namespace

void bitserial_gemm__avx512vpopcntdq(const BitSerialGemm& p, int64_t row_begin, int64_t row_end) {
  const int64_t blocks = (p.cols + kBitSerialLanes - 1) / kBitSerialLanes;
  for (int64_t r = row_begin; r < row_end; r += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, row_end - r));
    for (int64_t b = 0; b < blocks; b += kBlocks) {
      kTiles[rows - 1][std::min<int64_t>(kBlocks, blocks - b) - 1](p, r, b);
    }
  }
}

}  // namespace vigil::kernels

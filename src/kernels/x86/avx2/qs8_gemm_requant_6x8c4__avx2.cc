// SPDX-License-Identifier: Apache-2.0
// The AVX2 int8 GEMM micro-kernel: a 6 x 8 tile of C. vpmaddubsw would multiply the u8 x s8
// pairs in one step but saturates their int16 sum (255 x 127 x 2 > 32767), so B's bytes are
// widened to int16 (vpmovzxbw) and A is packed as int16: vpmaddwd then sums each pair of
// products exactly into int32. A ymm of 4 columns x 4 k gives, per column, two partial sums
// (k 0-1 and k 2-3), added once at the end (vphaddd). 12 accumulators, 2 B vectors and one
// broadcast fill 15 of the 16 registers. The epilogue, shared with the AVX-VNNI kernel
// (kernels/x86/avx2/qs8_gemm_epilogue__avx2.h), requantizes in 64-bit lanes, bit-exact with
// kernels/requantize.h.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/avx2/qs8_gemm_epilogue__avx2.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 6, kColumns = 8;

// A row's 8 sums from its two registers of pairs of partial sums: hadd gives columns
// 0 1 4 5 | 2 3 6 7, the permute restores order.
__attribute__((always_inline)) inline __m256i row_sums(__m256i low, __m256i high) {
  return _mm256_permute4x64_epi64(_mm256_hadd_epi32(low, high), 0xD8);
}

// Row r's 8 sums, offset and stored, the first `cols` columns.
__attribute__((always_inline)) inline void finish_row(const QS8TileEpilogue& e, int r, __m256i v, int cols, char* out) {
  v = _mm256_add_epi32(v, _mm256_set1_epi32(e.rows[r].offset));
  if (e.output == QS8GemmOutput::I32) {
    avx2::store_int32(v, cols, out);
  } else {
    avx2::store_bytes(e.output, avx2::requantize(v, avx2::row_requant(e, r)), cols, out);
  }
}

inline __m256i broadcast_weights(const int16_t* a) {
  int64_t four;
  std::memcpy(&four, a, sizeof four);
  return _mm256_set1_epi64x(four);
}

template <bool kHooked>
void run(int64_t groups, const void* a_panel, const uint8_t* b, void* c, int64_t ldc, int rows, int cols,
         const QS8TileEpilogue& epilogue) {
  const int16_t* a = static_cast<const int16_t*>(a_panel);
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t g = 0; g < groups; ++g) {
    const __m256i b0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b)));
    const __m256i b1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b + 16)));
    __m256i w;
    w = broadcast_weights(a + 0);
    c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(b0, w));
    c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(b1, w));
    w = broadcast_weights(a + 4);
    c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(b0, w));
    c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(b1, w));
    w = broadcast_weights(a + 8);
    c20 = _mm256_add_epi32(c20, _mm256_madd_epi16(b0, w));
    c21 = _mm256_add_epi32(c21, _mm256_madd_epi16(b1, w));
    w = broadcast_weights(a + 12);
    c30 = _mm256_add_epi32(c30, _mm256_madd_epi16(b0, w));
    c31 = _mm256_add_epi32(c31, _mm256_madd_epi16(b1, w));
    w = broadcast_weights(a + 16);
    c40 = _mm256_add_epi32(c40, _mm256_madd_epi16(b0, w));
    c41 = _mm256_add_epi32(c41, _mm256_madd_epi16(b1, w));
    w = broadcast_weights(a + 20);
    c50 = _mm256_add_epi32(c50, _mm256_madd_epi16(b0, w));
    c51 = _mm256_add_epi32(c51, _mm256_madd_epi16(b1, w));
    a += kRows * 4;
    b += kColumns * 4;
  }
  const int64_t row_bytes = ldc * (epilogue.output == QS8GemmOutput::I32 ? 4 : 1);
  char* out = static_cast<char*>(c);
  if constexpr (kHooked) {  // the sums through an L1 tile and the hook
    alignas(32) int32_t tile[kRows][kColumns];
    auto keep = [&](int r, __m256i low, __m256i high, char*) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(tile[r]), row_sums(low, high));
    };
    avx2::finish_six_rows(rows, out, row_bytes, keep, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    call_tile_hook<kColumns>(epilogue, &tile[0][0], rows, cols, c);
    tally_tile_columns<kColumns>(epilogue, &tile[0][0], rows, cols);
    for (int r = 0; r < rows; ++r) {
      finish_row(epilogue, r, _mm256_load_si256(reinterpret_cast<const __m256i*>(tile[r])), cols, out + r * row_bytes);
    }
    return;
  }
  auto finish = [&](int r, __m256i low, __m256i high, char* row) {
    finish_row(epilogue, r, row_sums(low, high), cols, row);
  };
  avx2::finish_six_rows(rows, out, row_bytes, finish, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_6x8c4__avx2{
    "qs8_gemm_requant_6x8c4__avx2", kAvx2Features, kRows, kColumns, 2, run<false>, run<true>};

}  // namespace vigil::kernels

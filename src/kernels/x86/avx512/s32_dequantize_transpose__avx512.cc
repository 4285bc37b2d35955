// SPDX-License-Identifier: Apache-2.0
// The 16 x 16 blocks of kernels/s32_dequantize_transpose.h on AVX-512: each of the block's
// 16 output columns is 16 contiguous sums, converted, scaled and biased in one vector; the
// 16 vectors are transposed in registers (unpack, then shuffles of 32-bit elements, then
// two rounds of 128-bit lanes: 64 shuffles a block, where gathering the rows cost four
// times as much) and stored as 16 output rows. The multiply and the add are the
// separately rounded _round_ forms, which the compiler does not fuse, so the results equal
// the scalar loop's bit for bit.
#include <immintrin.h>

#include <cstdint>

// GCC 12's gather and rounding intrinsics pass an undefined vector as the unused merge
// source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::kernels {

namespace {

// Rows r[0..15] of a 16 x 16 block become its columns.
inline void transpose_16x16(__m512 r[16]) {
  __m512 t[16];
  // Per 128-bit lane k: t[2i] = (r2i[4k], r2i+1[4k], r2i[4k+1], r2i+1[4k+1]), t[2i+1] the same at 4k+2.
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  // r[4q + j], lane k: element 4k + j of rows 4q to 4q + 3.
  for (int q = 0; q < 4; ++q) {
    r[4 * q + 0] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * q + 1] = _mm512_shuffle_ps(t[4 * q], t[4 * q + 2], _MM_SHUFFLE(3, 2, 3, 2));
    r[4 * q + 2] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], _MM_SHUFFLE(1, 0, 1, 0));
    r[4 * q + 3] = _mm512_shuffle_ps(t[4 * q + 1], t[4 * q + 3], _MM_SHUFFLE(3, 2, 3, 2));
  }
  // Gather the four lanes of element 4k + j: lanes 0 and 2 (0x88), then 1 and 3 (0xdd).
  for (int j = 0; j < 4; ++j) {
    t[j] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x88);
    t[4 + j] = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xdd);
    t[8 + j] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x88);
    t[12 + j] = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xdd);
  }
  for (int j = 0; j < 4; ++j) {
    r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
    r[4 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0x88);
    r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xdd);
    r[12 + j] = _mm512_shuffle_f32x4(t[4 + j], t[12 + j], 0xdd);
  }
}

}  // namespace

void s32_dequantize_transpose_blocks__avx512(int64_t rows, int64_t columns, const int32_t* sums, int64_t sums_ld,
                                             const float* scale, const float* bias, float* y, int64_t y_ld) {
  constexpr int kRounding = _MM_FROUND_CUR_DIRECTION;
  for (int64_t i0 = 0; i0 < rows; i0 += 16) {
    for (int64_t c0 = 0; c0 < columns; c0 += 16) {
      __m512 block[16];
      for (int c = 0; c < 16; ++c) {
        const __m512 values = _mm512_cvtepi32_ps(_mm512_loadu_si512(sums + (c0 + c) * sums_ld + i0));
        const __m512 scaled = _mm512_mul_round_ps(values, _mm512_set1_ps(scale[c0 + c]), kRounding);
        block[c] = _mm512_add_round_ps(scaled, _mm512_set1_ps(bias ? bias[c0 + c] : 0.0f), kRounding);
      }
      transpose_16x16(block);
      for (int i = 0; i < 16; ++i) _mm512_storeu_ps(y + (i0 + i) * y_ld + c0, block[i]);
    }
  }
}

}  // namespace vigil::kernels

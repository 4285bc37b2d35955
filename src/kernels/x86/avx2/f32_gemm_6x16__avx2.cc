// SPDX-License-Identifier: Apache-2.0
// The AVX2+FMA f32 GEMM micro-kernel: a 6 x 16 tile of C in 12 ymm accumulators, A
// broadcast from the interleaved panel, B rows as two aligned 256-bit loads (the classic
// Haswell shape: 12 accumulators + 2 B registers + 1 broadcast fit the 16 ymm registers).
// Edge tiles use masked loads and stores. Compiled with the AVX2 and FMA flags only.
#include <immintrin.h>

#include "kernels/f32_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 6, kColumns = 16;

inline __m256i column_mask(int count) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
}

// Full tiles use plain loads and stores: AMD cores execute the masked forms slowly, and
// with a short k (1x1 convolutions over few channels) the epilogue costs as much as the
// products.
template <bool kFull>
inline __m256 load(const float* p, __m256i mask) {
  return kFull ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, mask);
}

// The tile's sums over the whole depth so far: this block's, plus C's when accumulating.
template <bool kFull>
inline __m256 accumulated(const F32TileEpilogue& e, __m256 v, __m256i mask, const float* c_row) {
  return e.accumulate ? _mm256_add_ps(v, load<kFull>(c_row, mask)) : v;
}

template <bool kFull>
inline __m256 finish(const F32TileEpilogue& e, __m256 v, int row, int half, __m256i mask, const float* c_row) {
  v = accumulated<kFull>(e, v, mask, c_row);
  if (!e.last) return v;
  if (e.scale != 1.0f) v = _mm256_mul_ps(v, _mm256_set1_ps(e.scale));
  if (e.bias) {
    v = _mm256_add_ps(v, e.bias_per_column ? load<kFull>(e.bias + half * 8, mask) : _mm256_set1_ps(e.bias[row]));
  }
  if (e.residual) v = _mm256_add_ps(v, load<kFull>(e.residual + row * e.residual_ld + half * 8, mask));
  // min and max return their second operand where either is NaN: v second, NaN passes as
  // in the reference.
  if (e.clamp) v = _mm256_min_ps(_mm256_set1_ps(e.upper), _mm256_max_ps(_mm256_set1_ps(e.lower), v));
  if (e.leaky) {
    const __m256 negative = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
    v = _mm256_blendv_ps(v, _mm256_mul_ps(v, _mm256_set1_ps(e.leaky_alpha)), negative);
  }
  return v;
}

// The fused check's tally of a stored tile (F32TileEpilogue::tally), on the last block:
// the sums as the epilogue takes them (C read before the epilogue overwrites it), per
// column in two vectors, or per row.
inline void tally_tile(const F32TileEpilogue& e, const float (*tile)[kColumns], int rows, int cols, const float* c,
                       int64_t ldc) {
  const __m256i masks[2] = {column_mask(cols), column_mask(cols - 8)};
  __m256 totals[2] = {_mm256_setzero_ps(), _mm256_setzero_ps()};
  for (int r = 0; r < rows; ++r) {
    __m256 sums[2];
    for (int half = 0; half < 2; ++half) {
      if (half * 8 >= cols) {  // a left-half tile: its right half was never written
        sums[half] = _mm256_setzero_ps();
        continue;
      }
      const __m256 live = _mm256_castsi256_ps(masks[half]);
      sums[half] = _mm256_and_ps(live, accumulated<false>(e, _mm256_load_ps(tile[r] + half * 8), masks[half],
                                                          c + r * ldc + half * 8));
    }
    if (!e.tally_rows) {
      totals[0] = _mm256_add_ps(totals[0], sums[0]);
      totals[1] = _mm256_add_ps(totals[1], sums[1]);
      continue;
    }
    const __m256 row = _mm256_add_ps(sums[0], sums[1]);
    __m128 quarter = _mm_add_ps(_mm256_castps256_ps128(row), _mm256_extractf128_ps(row, 1));
    quarter = _mm_add_ps(quarter, _mm_movehl_ps(quarter, quarter));
    e.tally[r] += _mm_cvtss_f32(_mm_add_ss(quarter, _mm_movehdup_ps(quarter)));
  }
  if (e.tally_rows) return;
  alignas(32) float column_totals[kColumns];
  _mm256_store_ps(column_totals, totals[0]);
  _mm256_store_ps(column_totals + 8, totals[1]);
  for (int j = 0; j < cols; ++j) e.tally[j] += column_totals[j];
}

// The products of a full tile, handed row by row to `emit(row, left, right)` while they
// are still in registers. Named accumulators: GCC keeps an array of vectors in memory, and
// the loop would then store all twelve each k step.
template <class Emit>
inline void multiply_full(int64_t kc, const float* a, const float* b, int64_t b_stride, const Emit& emit) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00,
         c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
    __m256 factor = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(factor, b0, c00);
    c01 = _mm256_fmadd_ps(factor, b1, c01);
    factor = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(factor, b0, c10);
    c11 = _mm256_fmadd_ps(factor, b1, c11);
    factor = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(factor, b0, c20);
    c21 = _mm256_fmadd_ps(factor, b1, c21);
    factor = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(factor, b0, c30);
    c31 = _mm256_fmadd_ps(factor, b1, c31);
    factor = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(factor, b0, c40);
    c41 = _mm256_fmadd_ps(factor, b1, c41);
    factor = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(factor, b0, c50);
    c51 = _mm256_fmadd_ps(factor, b1, c51);
    a += kRows;
    b += b_stride;
  }
  emit(0, c00, c01);
  emit(1, c10, c11);
  emit(2, c20, c21);
  emit(3, c30, c31);
  emit(4, c40, c41);
  emit(5, c50, c51);
}

// The left half only, for an edge tile of at most 8 columns (a 7x7 feature map has 49
// columns: three full panels and one of a single column): half the multiplies.
void multiply_left_half(int64_t kc, const float* a, const float* b, int64_t b_stride, float (*tile)[kColumns]) {
  __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    c0 = _mm256_fmadd_ps(_mm256_broadcast_ss(a), b0, c0);
    c1 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 1), b0, c1);
    c2 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 2), b0, c2);
    c3 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 3), b0, c3);
    c4 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 4), b0, c4);
    c5 = _mm256_fmadd_ps(_mm256_broadcast_ss(a + 5), b0, c5);
    a += kRows;
    b += b_stride;
  }
  const __m256 rows_of_tile[kRows] = {c0, c1, c2, c3, c4, c5};
  for (int r = 0; r < kRows; ++r) _mm256_store_ps(tile[r], rows_of_tile[r]);
}

// One row (a matrix-vector product: a fully connected layer at batch 1): its two
// accumulators alone, added in the same order as in the full tile, so the sums are the
// same bits; the other five rows' multiply-adds would only cost time.
void multiply_one_row(int64_t kc, const float* a, const float* b, int64_t b_stride, float* row) {
  __m256 c0 = _mm256_setzero_ps(), c1 = c0;
  for (int64_t p = 0; p < kc; ++p) {
    const __m256 factor = _mm256_broadcast_ss(a);
    c0 = _mm256_fmadd_ps(factor, _mm256_loadu_ps(b), c0);
    c1 = _mm256_fmadd_ps(factor, _mm256_loadu_ps(b + 8), c1);
    a += kRows;
    b += b_stride;
  }
  _mm256_store_ps(row, c0);
  _mm256_store_ps(row + 8, c1);
}

template <bool kHooked>
void run(int64_t kc, const float* a, const float* b, int64_t b_stride, float* c, int64_t ldc, int rows, int cols,
         const F32TileEpilogue& epilogue) {
  if (!kHooked && rows == kRows && cols == kColumns) {  // the common case: epilogue straight from registers
    const __m256i unused = _mm256_setzero_si256();
    multiply_full(kc, a, b, b_stride, [&](int r, __m256 left, __m256 right) {
      float* out = c + r * ldc;
      _mm256_storeu_ps(out, finish<true>(epilogue, left, r, 0, unused, out));
      _mm256_storeu_ps(out + 8, finish<true>(epilogue, right, r, 1, unused, out + 8));
    });
    return;
  }
  alignas(32) float tile[kRows][kColumns];
  if (rows == 1) {
    multiply_one_row(kc, a, b, b_stride, tile[0]);
  } else if (cols <= 8) {
    multiply_left_half(kc, a, b, b_stride, tile);
  } else {
    multiply_full(kc, a, b, b_stride, [&](int r, __m256 left, __m256 right) {
      _mm256_store_ps(tile[r], left);
      _mm256_store_ps(tile[r] + 8, right);
    });
  }
  if constexpr (kHooked) {
    call_tile_hook<kColumns>(epilogue, &tile[0][0], rows, cols, c);
    if (epilogue.tally && epilogue.last) tally_tile(epilogue, tile, rows, cols, c, ldc);
  }
  const __m256i masks[2] = {column_mask(cols), column_mask(cols - 8)};
  for (int r = 0; r < rows; ++r) {
    float* out = c + r * ldc;
    for (int half = 0; half < 2 && half * 8 < cols; ++half) {
      const __m256 v = load<true>(tile[r] + half * 8, masks[half]);
      if (cols == kColumns) {
        _mm256_storeu_ps(out + half * 8, finish<true>(epilogue, v, r, half, masks[half], out + half * 8));
      } else {
        _mm256_maskstore_ps(out + half * 8, masks[half],
                            finish<false>(epilogue, v, r, half, masks[half], out + half * 8));
      }
    }
  }
}

}  // namespace

const F32MicroKernel f32_gemm_6x16__avx2{"f32_gemm_6x16__avx2", kAvx2Features, kRows, kColumns, run<false>, run<true>};

}  // namespace vigil::kernels

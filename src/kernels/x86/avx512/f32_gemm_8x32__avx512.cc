// SPDX-License-Identifier: Apache-2.0
// The AVX-512 f32 GEMM micro-kernel: an 8 x 32 tile of C in 16 zmm accumulators, two
// 512-bit FMAs per k step and row of A (Zen 4/5 and Intel server cores issue two per
// cycle, with a 4-cycle latency, so 16 independent chains keep both pipes busy). A values
// are broadcast from the interleaved panel, B rows are two aligned vector loads. Edge
// tiles use masked loads and stores. Compiled with the AVX-512 flags only.
#include <immintrin.h>

// GCC 12's _mm512_min_ps and _mm512_max_ps pass an undefined vector as the unused merge
// source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/f32_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 8, kColumns = 32;

// The tile's sums over the whole depth so far: this block's, plus C's when accumulating.
inline __m512 accumulated(const F32TileEpilogue& e, __m512 v, __mmask16 mask, const float* c_row) {
  return e.accumulate ? _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, c_row)) : v;
}

// The rest of the epilogue, on the last block of depth.
inline __m512 finish(const F32TileEpilogue& e, __m512 v, int row, int half, __mmask16 mask) {
  v = _mm512_mul_ps(v, _mm512_set1_ps(e.scale));
  if (e.bias) {
    v = _mm512_add_ps(
        v, e.bias_per_column ? _mm512_maskz_loadu_ps(mask, e.bias + half * 16) : _mm512_set1_ps(e.bias[row]));
  }
  if (e.residual) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, e.residual + row * e.residual_ld + half * 16));
  // min and max return their second operand where either is NaN: v second, NaN passes as
  // in the reference.
  if (e.clamp) v = _mm512_min_ps(_mm512_set1_ps(e.upper), _mm512_max_ps(_mm512_set1_ps(e.lower), v));
  if (e.leaky) {
    const __mmask16 negative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
    v = _mm512_mask_mul_ps(v, negative, v, _mm512_set1_ps(e.leaky_alpha));
  }
  return v;
}

// Adds the first `count` (<= 16) of 16 floats, widened, to the doubles at `lines`.
inline void add_widened(__m512 sums, int count, double* lines) {
  const __mmask8 low = static_cast<__mmask8>(count >= 8 ? 0xff : (1u << count) - 1);
  const __mmask8 high = static_cast<__mmask8>(count >= 16 ? 0xff : count <= 8 ? 0 : (1u << (count - 8)) - 1);
  const __m512d first = _mm512_cvtps_pd(_mm512_castps512_ps256(sums));
  const __m512d second = _mm512_cvtps_pd(_mm512_extractf32x8_ps(sums, 1));
  _mm512_mask_storeu_pd(lines, low, _mm512_add_pd(_mm512_maskz_loadu_pd(low, lines), first));
  if (high) _mm512_mask_storeu_pd(lines + 8, high, _mm512_add_pd(_mm512_maskz_loadu_pd(high, lines + 8), second));
}

// The totals of eight rows of 16 lanes, in one vector: a tree of in-lane unpacks and
// shuffles, then across the 128-bit lanes. (Eight horizontal sums stored one float at a
// time and read back as a vector stall on store forwarding.)
inline __m256 row_totals(const __m512 (&rows)[kRows]) {
  auto pair = [](__m512 a, __m512 b) {  // per 128-bit lane: [a, b, a, b] partial sums
    return _mm512_add_ps(_mm512_unpacklo_ps(a, b), _mm512_unpackhi_ps(a, b));
  };
  auto quad = [](__m512 ab, __m512 cd) {  // per 128-bit lane: the lane's sums of a, b, c, d
    return _mm512_add_ps(_mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(1, 0, 1, 0)),
                         _mm512_shuffle_ps(ab, cd, _MM_SHUFFLE(3, 2, 3, 2)));
  };
  const __m512 low = quad(pair(rows[0], rows[1]), pair(rows[2], rows[3]));
  const __m512 high = quad(pair(rows[4], rows[5]), pair(rows[6], rows[7]));
  // Lanes [low0 + low2, low1 + low3, high0 + high2, high1 + high3], then each pair added.
  const __m512 halves = _mm512_add_ps(_mm512_shuffle_f32x4(low, high, _MM_SHUFFLE(1, 0, 1, 0)),
                                      _mm512_shuffle_f32x4(low, high, _MM_SHUFFLE(3, 2, 3, 2)));
  const __m512 totals = _mm512_add_ps(halves, _mm512_shuffle_f32x4(halves, halves, _MM_SHUFFLE(2, 3, 0, 1)));
  return _mm512_castps512_ps256(_mm512_shuffle_f32x4(totals, totals, _MM_SHUFFLE(2, 0, 2, 0)));
}

// The products of a full tile over kc, into an L1 tile. Named accumulators: GCC keeps an
// array of vectors in memory, and the loop would then store all sixteen each k step.
void tile_sums(int64_t kc, const float* a, const float* b, int64_t b_stride, float (*tile)[kColumns]) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
    __m512 factor;
    factor = _mm512_set1_ps(a[0]);
    c00 = _mm512_fmadd_ps(factor, b0, c00);
    c01 = _mm512_fmadd_ps(factor, b1, c01);
    factor = _mm512_set1_ps(a[1]);
    c10 = _mm512_fmadd_ps(factor, b0, c10);
    c11 = _mm512_fmadd_ps(factor, b1, c11);
    factor = _mm512_set1_ps(a[2]);
    c20 = _mm512_fmadd_ps(factor, b0, c20);
    c21 = _mm512_fmadd_ps(factor, b1, c21);
    factor = _mm512_set1_ps(a[3]);
    c30 = _mm512_fmadd_ps(factor, b0, c30);
    c31 = _mm512_fmadd_ps(factor, b1, c31);
    factor = _mm512_set1_ps(a[4]);
    c40 = _mm512_fmadd_ps(factor, b0, c40);
    c41 = _mm512_fmadd_ps(factor, b1, c41);
    factor = _mm512_set1_ps(a[5]);
    c50 = _mm512_fmadd_ps(factor, b0, c50);
    c51 = _mm512_fmadd_ps(factor, b1, c51);
    factor = _mm512_set1_ps(a[6]);
    c60 = _mm512_fmadd_ps(factor, b0, c60);
    c61 = _mm512_fmadd_ps(factor, b1, c61);
    factor = _mm512_set1_ps(a[7]);
    c70 = _mm512_fmadd_ps(factor, b0, c70);
    c71 = _mm512_fmadd_ps(factor, b1, c71);
    a += kRows;
    b += b_stride;
  }
  const __m512 rows_of_tile[kRows][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31},
                                         {c40, c41}, {c50, c51}, {c60, c61}, {c70, c71}};
  for (int r = 0; r < kRows; ++r) {
    _mm512_store_ps(tile[r], rows_of_tile[r][0]);
    _mm512_store_ps(tile[r] + 16, rows_of_tile[r][1]);
  }
}

// One row (a matrix-vector product: a fully connected layer at batch 1): its two
// accumulators alone, added in the same order as in the full tile, so the sums are the
// same bits; the other seven rows' multiply-adds would only cost time.
void row_sums(int64_t kc, const float* a, const float* b, int64_t b_stride, float* row) {
  __m512 c0 = _mm512_setzero_ps(), c1 = c0;
  for (int64_t p = 0; p < kc; ++p) {
    const __m512 factor = _mm512_set1_ps(a[0]);
    c0 = _mm512_fmadd_ps(factor, _mm512_loadu_ps(b), c0);
    c1 = _mm512_fmadd_ps(factor, _mm512_loadu_ps(b + 16), c1);
    a += kRows;
    b += b_stride;
  }
  _mm512_store_ps(row, c0);
  _mm512_store_ps(row + 16, c1);
}

template <bool kHooked>
void run(int64_t kc, const float* a, const float* b, int64_t b_stride, float* c, int64_t ldc, int rows, int cols,
         const F32TileEpilogue& epilogue) {
  alignas(64) float tile[kRows][kColumns];
  if (rows == 1) {
    row_sums(kc, a, b, b_stride, tile[0]);
  } else {
    tile_sums(kc, a, b, b_stride, tile);
  }
  if constexpr (kHooked) call_tile_hook<kColumns>(epilogue, &tile[0][0], rows, cols, c);
  const int low = cols < 16 ? cols : 16, high = cols > 16 ? cols - 16 : 0;
  const __mmask16 masks[2] = {static_cast<__mmask16>((1u << low) - 1), static_cast<__mmask16>((1u << high) - 1)};
  // The fused check's tally, from the sums as the epilogue takes them: per column in two
  // vectors, per row one vector of lanes, summed across at the end.
  const bool tallies = kHooked && epilogue.tally && epilogue.last;
  __m512 column_totals[2] = {_mm512_setzero_ps(), _mm512_setzero_ps()};
  __m512 row_lanes[kRows];  // each row's two halves added (set below for every row)
  for (int r = 0; r < rows; ++r) {
    float* out = c + r * ldc;
    __m512 sums[2];
    for (int half = 0; half < 2; ++half) {
      sums[half] = accumulated(epilogue, _mm512_load_ps(tile[r] + half * 16), masks[half], out + half * 16);
    }
    if (tallies) {
      if (epilogue.tally_rows) {
        row_lanes[r] = _mm512_add_ps(_mm512_maskz_mov_ps(masks[0], sums[0]), _mm512_maskz_mov_ps(masks[1], sums[1]));
      } else {
        column_totals[0] = _mm512_add_ps(column_totals[0], sums[0]);
        column_totals[1] = _mm512_add_ps(column_totals[1], sums[1]);
      }
    }
    for (int half = 0; half < 2; ++half) {
      if (!masks[half]) continue;
      const __m512 v = epilogue.last ? finish(epilogue, sums[half], r, half, masks[half]) : sums[half];
      _mm512_mask_storeu_ps(out + half * 16, masks[half], v);
    }
  }
  if (tallies) {
    if (epilogue.tally_rows) {
      for (int r = rows; r < kRows; ++r) row_lanes[r] = _mm512_setzero_ps();
      const __mmask8 live = static_cast<__mmask8>((1u << rows) - 1);
      const __m512d totals = _mm512_cvtps_pd(row_totals(row_lanes));
      _mm512_mask_storeu_pd(epilogue.tally, live, _mm512_add_pd(_mm512_maskz_loadu_pd(live, epilogue.tally), totals));
    } else {
      add_widened(column_totals[0], low, epilogue.tally);
      if (high) add_widened(column_totals[1], high, epilogue.tally + 16);
    }
  }
}

}  // namespace

const F32MicroKernel f32_gemm_8x32__avx512{
    "f32_gemm_8x32__avx512", kAvx512Features, kRows, kColumns, run<false>, run<true>};

}  // namespace vigil::kernels

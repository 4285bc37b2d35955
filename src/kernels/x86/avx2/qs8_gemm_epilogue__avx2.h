// SPDX-License-Identifier: Apache-2.0
// The epilogue of the int8 GEMM's ymm micro-kernels (the AVX2 and the AVX-VNNI one,
// kernels/qs8_gemm_microkernel.h): eight sums of one row of the tile, the row's offset
// added, stored as int32, or requantized on the exact 64-bit products (vpmuldq, even and
// odd lanes apart), rounded half up with the ties (found from the sums' low bits) to even,
// and clamped, bit-exact with kernels/requantize.h, then narrowed to bytes. AVX2 has no 64-bit arithmetic shift: the
// sign bit is flipped, the value shifted logically, and the flipped bit's share subtracted.
// Included by translation units compiled with different flags (AVX2; AVX2 + AVX-VNNI), so
// every function is always inlined: no out-of-line copy is shared between them.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/qs8_gemm_microkernel.h"

namespace vigil::kernels::avx2 {

// One row's requantization constants, from its prepared epilogue.
struct RowRequant {
  __m256i mantissa, half, sign, sign_share;  // 64-bit lanes
  __m256i lower64, upper64;                  // 64-bit lanes: the output bounds less the zero point
  __m256i tie_bits, tie_pattern;             // 32-bit lanes: the sums whose product is a tie
  __m256i tie_bits64, tie_pattern64;         // the same on a 64-bit lane's low half
  __m256i lower, upper, zero_point;          // 32-bit lanes
  __m128i shift;
  // A multiplier of 1 or more: a shifted product may pass 32 bits and is settled and
  // clamped in 64 first. Below 1, |sum x multiplier| < 2^31: it waits for the 32-bit lanes.
  bool wide;
};

__attribute__((always_inline)) inline RowRequant row_requant(const QS8TileEpilogue& e, int r) {
  const QS8RowEpilogue& row = e.rows[r];
  const int64_t lower = int64_t{e.c_min} - e.c_zero_point, upper = int64_t{e.c_max} - e.c_zero_point;
  return {_mm256_set1_epi64x(row.mantissa),
          _mm256_set1_epi64x(row.half),
          _mm256_set1_epi64x(INT64_MIN),
          _mm256_set1_epi64x(int64_t{1} << (63 - row.total)),
          _mm256_set1_epi64x(lower),
          _mm256_set1_epi64x(upper),
          _mm256_set1_epi32(static_cast<int32_t>(row.ties.low_bits)),
          _mm256_set1_epi32(static_cast<int32_t>(row.ties.pattern)),
          _mm256_set1_epi64x(row.ties.low_bits),
          _mm256_set1_epi64x(row.ties.pattern),
          _mm256_set1_epi32(static_cast<int32_t>(lower)),
          _mm256_set1_epi32(static_cast<int32_t>(upper)),
          _mm256_set1_epi32(e.c_zero_point),
          _mm_cvtsi32_si128(row.total),
          row.wide};
}

// floor((x + half) / 2^shift): rounded half up.
__attribute__((always_inline)) inline __m256i round_shift_half_up(__m256i x, const RowRequant& q) {
  x = _mm256_add_epi64(x, q.half);
  // (x + 2^63) >> s, logically, is floor(x / 2^s) + 2^(63 - s).
  return _mm256_sub_epi64(_mm256_srl_epi64(_mm256_xor_si256(x, q.sign), q.shift), q.sign_share);
}

// `rounded` with its low bit cleared in the lanes `ties` marks (all ones): a value rounded
// half up becomes the value rounded half to even (kernels/requantize.h).
__attribute__((always_inline)) inline __m256i clear_ties(__m256i rounded, __m256i ties, __m256i one) {
  return _mm256_andnot_si256(_mm256_and_si256(ties, one), rounded);
}

// x clamped to [lower64, upper64] (no 64-bit min and max in AVX2).
__attribute__((always_inline)) inline __m256i clamp64(__m256i x, const RowRequant& q) {
  x = _mm256_blendv_epi8(x, q.upper64, _mm256_cmpgt_epi64(x, q.upper64));
  return _mm256_blendv_epi8(x, q.lower64, _mm256_cmpgt_epi64(q.lower64, x));
}

// Eight sums (the row's offset added) to eight outputs, as int32 lanes in the output range.
__attribute__((always_inline)) inline __m256i requantize(__m256i v, const RowRequant& q) {
  const __m256i odd_lanes = _mm256_srli_epi64(v, 32);
  __m256i even = round_shift_half_up(_mm256_mul_epi32(v, q.mantissa), q);
  __m256i odd = round_shift_half_up(_mm256_mul_epi32(odd_lanes, q.mantissa), q);
  if (q.wide) {
    const __m256i one = _mm256_set1_epi64x(1);
    auto ties = [&](__m256i lanes) {
      return _mm256_cmpeq_epi64(_mm256_and_si256(lanes, q.tie_bits64), q.tie_pattern64);
    };
    even = clamp64(clear_ties(even, ties(v), one), q);
    odd = clamp64(clear_ties(odd, ties(odd_lanes), one), q);
  }
  __m256i y = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
  if (!q.wide) {
    y = clear_ties(y, _mm256_cmpeq_epi32(_mm256_and_si256(v, q.tie_bits), q.tie_pattern), _mm256_set1_epi32(1));
  }
  return _mm256_add_epi32(_mm256_min_epi32(_mm256_max_epi32(y, q.lower), q.upper), q.zero_point);
}

// The first `cols` (1 to 8) of eight int32 lanes, stored at `out`.
__attribute__((always_inline)) inline void store_int32(__m256i v, int cols, char* out) {
  if (cols >= 8) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
  } else {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    _mm256_maskstore_epi32(reinterpret_cast<int*>(out), _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lanes), v);
  }
}

// The first `cols` (1 to 8) of eight outputs in range (requantize()), stored as u8 or s8 bytes.
__attribute__((always_inline)) inline void store_bytes(QS8GemmOutput output, __m256i y, int cols, char* out) {
  // In range already, so the saturating packs only narrow: 8 int32 to 8 bytes.
  const __m256i words = _mm256_packs_epi32(y, y);
  const __m256i bytes =
      output == QS8GemmOutput::U8 ? _mm256_packus_epi16(words, words) : _mm256_packs_epi16(words, words);
  const __m128i eight = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
  if (cols >= 8) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), eight);
  } else {
    alignas(16) char tail[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tail), eight);
    std::memcpy(out, tail, static_cast<size_t>(cols));
  }
}

// The end of both 6-row ymm kernels: row r's two accumulators handed to
// finish_row(r, first, second, row r's output), the rows from `rows` on skipped.
template <class FinishRow>
__attribute__((always_inline)) inline void finish_six_rows(int rows, char* out, int64_t row_bytes, FinishRow finish_row,
                                                           __m256i c00, __m256i c01, __m256i c10, __m256i c11,
                                                           __m256i c20, __m256i c21, __m256i c30, __m256i c31,
                                                           __m256i c40, __m256i c41, __m256i c50, __m256i c51) {
  finish_row(0, c00, c01, out);
  if (rows > 1) finish_row(1, c10, c11, out + row_bytes);
  if (rows > 2) finish_row(2, c20, c21, out + 2 * row_bytes);
  if (rows > 3) finish_row(3, c30, c31, out + 3 * row_bytes);
  if (rows > 4) finish_row(4, c40, c41, out + 4 * row_bytes);
  if (rows > 5) finish_row(5, c50, c51, out + 5 * row_bytes);
}

}  // namespace vigil::kernels::avx2

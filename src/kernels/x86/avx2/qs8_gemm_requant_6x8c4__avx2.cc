// The AVX2 int8 GEMM micro-kernel: a 6 x 8 tile of C. vpmaddubsw would multiply the u8 x s8
// pairs in one step but saturates their int16 sum (255 x 127 x 2 > 32767), so B's bytes are
// widened to int16 (vpmovzxbw) and A is packed as int16: vpmaddwd then sums each pair of
// products exactly into int32. A ymm of 4 columns x 4 k gives, per column, two partial sums
// (k 0-1 and k 2-3), added once at the end (vphaddd). 12 accumulators, 2 B vectors and one
// broadcast fill 15 of the 16 registers. The epilogue requantizes in 64-bit lanes, rounding
// half up and the ties to even, bit-exact with kernels/requantize.h (AVX2 has no 64-bit
// arithmetic shift: the sign bit is flipped, the value shifted logically, and the flipped
// bit's share subtracted).
#include <immintrin.h>

#include <cstring>

#include "kernels/s8_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 6, kColumns = 8;

struct RowRequant {
  __m256i mantissa, half, lower, upper, sign, sign_share, tie_bits, tie_pattern;
  __m128i shift;
};

RowRequant row_requant(const QS8TileEpilogue& e, const QS8RowEpilogue& row) {
  return {_mm256_set1_epi64x(row.mantissa),
          _mm256_set1_epi64x(row.half),
          _mm256_set1_epi64x(int64_t{e.c_min} - e.c_zero_point),
          _mm256_set1_epi64x(int64_t{e.c_max} - e.c_zero_point),
          _mm256_set1_epi64x(INT64_MIN),
          _mm256_set1_epi64x(int64_t{1} << (63 - row.total)),
          _mm256_set1_epi64x(row.ties.low_bits),
          _mm256_set1_epi64x(row.ties.pattern),
          _mm_cvtsi32_si128(row.total)};
}

// round_half_even(product / 2^shift), clamped: rounded half up, then the low bit cleared
// where the sum in the lane's low 32 bits is a tie (kernels/requantize.h).
inline __m256i round_shift_clamp(__m256i product, __m256i lanes, const RowRequant& q) {
  __m256i x = _mm256_add_epi64(product, q.half);
  // (x + 2^63) >> s, logically, is floor(x / 2^s) + 2^(63 - s).
  x = _mm256_sub_epi64(_mm256_srl_epi64(_mm256_xor_si256(x, q.sign), q.shift), q.sign_share);
  const __m256i tie = _mm256_cmpeq_epi64(_mm256_and_si256(lanes, q.tie_bits), q.tie_pattern);
  x = _mm256_andnot_si256(_mm256_and_si256(tie, _mm256_set1_epi64x(1)), x);
  x = _mm256_blendv_epi8(x, q.upper, _mm256_cmpgt_epi64(x, q.upper));
  return _mm256_blendv_epi8(x, q.lower, _mm256_cmpgt_epi64(q.lower, x));
}

inline __m256i requantize(__m256i v, const RowRequant& q) {
  const __m256i odd_lanes = _mm256_srli_epi64(v, 32);
  const __m256i even = round_shift_clamp(_mm256_mul_epi32(v, q.mantissa), v, q);
  const __m256i odd = round_shift_clamp(_mm256_mul_epi32(odd_lanes, q.mantissa), odd_lanes, q);
  return _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

__attribute__((always_inline)) inline void finish_row(const QS8TileEpilogue& e, int r, __m256i low, __m256i high,
                                                      int cols, char* out) {
  // Pairs of partial sums: hadd gives columns 0 1 4 5 | 2 3 6 7, the permute restores order.
  __m256i v = _mm256_permute4x64_epi64(_mm256_hadd_epi32(low, high), 0xD8);
  v = _mm256_add_epi32(v, _mm256_set1_epi32(e.rows[r].offset));
  if (e.output == QGemmOutput::I32) {
    if (cols == kColumns) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), v);
    } else {
      const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
      _mm256_maskstore_epi32(reinterpret_cast<int*>(out), _mm256_cmpgt_epi32(_mm256_set1_epi32(cols), lanes), v);
    }
    return;
  }
  const __m256i y = _mm256_add_epi32(requantize(v, row_requant(e, e.rows[r])), _mm256_set1_epi32(e.c_zero_point));
  // In range already, so the saturating packs only narrow: 8 int32 to 8 bytes.
  const __m256i words = _mm256_packs_epi32(y, y);
  const __m256i bytes =
      e.output == QGemmOutput::U8 ? _mm256_packus_epi16(words, words) : _mm256_packs_epi16(words, words);
  const __m128i eight = _mm_unpacklo_epi32(_mm256_castsi256_si128(bytes), _mm256_extracti128_si256(bytes, 1));
  if (cols == kColumns) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(out), eight);
  } else {
    alignas(16) char tail[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(tail), eight);
    std::memcpy(out, tail, static_cast<size_t>(cols));
  }
}

inline __m256i broadcast_weights(const int16_t* a) {
  int64_t four;
  std::memcpy(&four, a, sizeof four);
  return _mm256_set1_epi64x(four);
}

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
  const int64_t row_bytes = ldc * (epilogue.output == QGemmOutput::I32 ? 4 : 1);
  char* out = static_cast<char*>(c);
  finish_row(epilogue, 0, c00, c01, cols, out);
  if (rows > 1) finish_row(epilogue, 1, c10, c11, cols, out + row_bytes);
  if (rows > 2) finish_row(epilogue, 2, c20, c21, cols, out + 2 * row_bytes);
  if (rows > 3) finish_row(epilogue, 3, c30, c31, cols, out + 3 * row_bytes);
  if (rows > 4) finish_row(epilogue, 4, c40, c41, cols, out + 4 * row_bytes);
  if (rows > 5) finish_row(epilogue, 5, c50, c51, cols, out + 5 * row_bytes);
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_6x8c4__avx2{"qs8_gemm_requant_6x8c4__avx2", QGemmPath::Avx2, kRows, kColumns,
                                                  2, run};

}  // namespace vigil::kernels

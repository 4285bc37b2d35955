// The AVX-512 VNNI int8 GEMM micro-kernel: an 8 x 32 tile of C in 16 zmm accumulators.
// Each group of 4 k is two loads of B (32 columns x 4 unsigned bytes) and, per row, one
// vpdpbusd per B vector with the row's 4 weight bytes broadcast from memory: 16 independent
// chains cover the instruction's latency on two pipes. The epilogue requantizes from the
// accumulators in 64-bit lanes (vpmuldq, a rounding shift with ties to even, a clamp),
// bit-exact with kernels/requantize.h. Compiled with the AVX-512 and VNNI flags only.
#include <immintrin.h>

#include <cstring>

// GCC 12's 64-bit shift, min and max intrinsics pass an undefined vector as the unused
// merge source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/s8_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 8, kColumns = 32;

// One row's requantization constants, in 64-bit lanes.
struct RowRequant {
  __m512i mantissa, rounding, lower, upper;
  __m128i shift;
};

RowRequant row_requant(const QS8TileEpilogue& e, int r) {
  const FixedPointMultiplier m = e.per_row_multiplier ? e.multiplier[r] : e.multiplier[0];
  const int total = 31 + m.shift;
  return {_mm512_set1_epi64(m.mantissa), _mm512_set1_epi64((int64_t{1} << (total - 1)) - 1),
          _mm512_set1_epi64(int64_t{e.c_min} - e.c_zero_point), _mm512_set1_epi64(int64_t{e.c_max} - e.c_zero_point),
          _mm_cvtsi32_si128(total)};
}

// round_half_even(x / 2^shift), clamped: floor((x + half - 1 + bit `shift` of x) / 2^shift).
inline __m512i round_shift_clamp(__m512i x, const RowRequant& q) {
  const __m512i odd = _mm512_and_si512(_mm512_srl_epi64(x, q.shift), _mm512_set1_epi64(1));
  x = _mm512_sra_epi64(_mm512_add_epi64(_mm512_add_epi64(x, q.rounding), odd), q.shift);
  return _mm512_min_epi64(_mm512_max_epi64(x, q.lower), q.upper);
}

// 16 sums (offset already added) to 16 clamped outputs less the zero point, as int32.
inline __m512i requantize(__m512i v, const RowRequant& q) {
  const __m512i even = round_shift_clamp(_mm512_mul_epi32(v, q.mantissa), q);
  const __m512i odd = round_shift_clamp(_mm512_mul_epi32(_mm512_srli_epi64(v, 32), q.mantissa), q);
  return _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
}

inline void store(const QS8TileEpilogue& e, const RowRequant& q, __m512i v, __mmask16 mask, char* out) {
  if (e.output == QGemmOutput::I32) {
    _mm512_mask_storeu_epi32(out, mask, v);
    return;
  }
  const __m512i y = _mm512_add_epi32(requantize(v, q), _mm512_set1_epi32(e.c_zero_point));
  _mm_mask_storeu_epi8(out, mask, _mm512_cvtepi32_epi8(y));  // in range: truncation is exact
}

__attribute__((always_inline)) inline void finish_row(const QS8TileEpilogue& e, int r, __m512i low, __m512i high,
                                                      const __mmask16 masks[2], char* out) {
  const __m512i offset = _mm512_set1_epi32(qs8_row_offset(e, r));
  RowRequant q{};
  if (e.output != QGemmOutput::I32) q = row_requant(e, r);
  const int half = e.output == QGemmOutput::I32 ? 64 : 16;  // bytes of 16 outputs
  store(e, q, _mm512_add_epi32(low, offset), masks[0], out);
  if (masks[1]) store(e, q, _mm512_add_epi32(high, offset), masks[1], out + half);
}

inline __m512i broadcast_weights(const int8_t* a) {
  int32_t four;
  std::memcpy(&four, a, sizeof four);
  return _mm512_set1_epi32(four);
}

void run(int64_t groups, const void* a_panel, const uint8_t* b, void* c, int64_t ldc, int rows, int cols,
         const QS8TileEpilogue& epilogue) {
  const int8_t* a = static_cast<const int8_t*>(a_panel);
  // Named accumulators: GCC keeps an array of vectors in memory.
  __m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  __m512i c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
  for (int64_t g = 0; g < groups; ++g) {
    const __m512i b0 = _mm512_loadu_si512(b), b1 = _mm512_loadu_si512(b + 64);
    __m512i w;
    w = broadcast_weights(a + 0);
    c00 = _mm512_dpbusd_epi32(c00, b0, w);
    c01 = _mm512_dpbusd_epi32(c01, b1, w);
    w = broadcast_weights(a + 4);
    c10 = _mm512_dpbusd_epi32(c10, b0, w);
    c11 = _mm512_dpbusd_epi32(c11, b1, w);
    w = broadcast_weights(a + 8);
    c20 = _mm512_dpbusd_epi32(c20, b0, w);
    c21 = _mm512_dpbusd_epi32(c21, b1, w);
    w = broadcast_weights(a + 12);
    c30 = _mm512_dpbusd_epi32(c30, b0, w);
    c31 = _mm512_dpbusd_epi32(c31, b1, w);
    w = broadcast_weights(a + 16);
    c40 = _mm512_dpbusd_epi32(c40, b0, w);
    c41 = _mm512_dpbusd_epi32(c41, b1, w);
    w = broadcast_weights(a + 20);
    c50 = _mm512_dpbusd_epi32(c50, b0, w);
    c51 = _mm512_dpbusd_epi32(c51, b1, w);
    w = broadcast_weights(a + 24);
    c60 = _mm512_dpbusd_epi32(c60, b0, w);
    c61 = _mm512_dpbusd_epi32(c61, b1, w);
    w = broadcast_weights(a + 28);
    c70 = _mm512_dpbusd_epi32(c70, b0, w);
    c71 = _mm512_dpbusd_epi32(c71, b1, w);
    a += kRows * 4;
    b += kColumns * 4;
  }
  const int low = cols < 16 ? cols : 16, high = cols > 16 ? cols - 16 : 0;
  const __mmask16 masks[2] = {static_cast<__mmask16>((1u << low) - 1), static_cast<__mmask16>((1u << high) - 1)};
  const int64_t row_bytes = ldc * (epilogue.output == QGemmOutput::I32 ? 4 : 1);
  char* out = static_cast<char*>(c);
  finish_row(epilogue, 0, c00, c01, masks, out);
  if (rows > 1) finish_row(epilogue, 1, c10, c11, masks, out + row_bytes);
  if (rows > 2) finish_row(epilogue, 2, c20, c21, masks, out + 2 * row_bytes);
  if (rows > 3) finish_row(epilogue, 3, c30, c31, masks, out + 3 * row_bytes);
  if (rows > 4) finish_row(epilogue, 4, c40, c41, masks, out + 4 * row_bytes);
  if (rows > 5) finish_row(epilogue, 5, c50, c51, masks, out + 5 * row_bytes);
  if (rows > 6) finish_row(epilogue, 6, c60, c61, masks, out + 6 * row_bytes);
  if (rows > 7) finish_row(epilogue, 7, c70, c71, masks, out + 7 * row_bytes);
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_8x32c4__avx512vnni{"qs8_gemm_requant_8x32c4__avx512vnni",
                                                         QGemmPath::Avx512Vnni, kRows, kColumns, 1, run};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The fp32 checksum kernels (kernels/gemm_checksum_predict.h) on AVX-512, shared by the
// AVX-512 and AVX-512 VNNI entries of the family: the prediction on two zmm of 16 lanes
// with masks for narrow panels, two lines of depth at a time into separate accumulators so
// that the FMA latency is covered; the rows of an operand added in double. Included by
// translation units compiled with the AVX-512 flags; unnamed namespace, one copy each.
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace vigil::kernels {
namespace {

__mmask16 lanes(int count) {
  return count >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << (count < 0 ? 0 : count)) - 1);
}

[[maybe_unused]] void f32_predict_avx512(const float* sums, const float* abs_sums, int64_t depth, const float* panel, int64_t stride, int width,
         float* expected, float* bound) {
  const __mmask16 low = lanes(width), high = lanes(width - 16);
  __m512 e0 = _mm512_setzero_ps(), e1 = _mm512_setzero_ps(), b0 = _mm512_setzero_ps(), b1 = _mm512_setzero_ps();
  __m512 f0 = _mm512_setzero_ps(), f1 = _mm512_setzero_ps(), c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
  int64_t p = 0;
  for (; p + 2 <= depth; p += 2) {
    const float* line = panel + p * stride;
    const __m512 x0 = _mm512_maskz_loadu_ps(low, line), x1 = _mm512_maskz_loadu_ps(high, line + 16);
    const __m512 y0 = _mm512_maskz_loadu_ps(low, line + stride), y1 = _mm512_maskz_loadu_ps(high, line + stride + 16);
    const __m512 s = _mm512_set1_ps(sums[p]), a = _mm512_set1_ps(abs_sums[p]);
    const __m512 t = _mm512_set1_ps(sums[p + 1]), d = _mm512_set1_ps(abs_sums[p + 1]);
    e0 = _mm512_fmadd_ps(s, x0, e0);
    e1 = _mm512_fmadd_ps(s, x1, e1);
    b0 = _mm512_fmadd_ps(a, _mm512_abs_ps(x0), b0);
    b1 = _mm512_fmadd_ps(a, _mm512_abs_ps(x1), b1);
    f0 = _mm512_fmadd_ps(t, y0, f0);
    f1 = _mm512_fmadd_ps(t, y1, f1);
    c0 = _mm512_fmadd_ps(d, _mm512_abs_ps(y0), c0);
    c1 = _mm512_fmadd_ps(d, _mm512_abs_ps(y1), c1);
  }
  if (p < depth) {
    const float* line = panel + p * stride;
    const __m512 x0 = _mm512_maskz_loadu_ps(low, line), x1 = _mm512_maskz_loadu_ps(high, line + 16);
    const __m512 s = _mm512_set1_ps(sums[p]), a = _mm512_set1_ps(abs_sums[p]);
    e0 = _mm512_fmadd_ps(s, x0, e0);
    e1 = _mm512_fmadd_ps(s, x1, e1);
    b0 = _mm512_fmadd_ps(a, _mm512_abs_ps(x0), b0);
    b1 = _mm512_fmadd_ps(a, _mm512_abs_ps(x1), b1);
  }
  e0 = _mm512_add_ps(e0, f0);
  e1 = _mm512_add_ps(e1, f1);
  b0 = _mm512_add_ps(b0, c0);
  b1 = _mm512_add_ps(b1, c1);
  _mm512_mask_storeu_ps(expected, low, _mm512_add_ps(_mm512_maskz_loadu_ps(low, expected), e0));
  _mm512_mask_storeu_ps(expected + 16, high, _mm512_add_ps(_mm512_maskz_loadu_ps(high, expected + 16), e1));
  _mm512_mask_storeu_ps(bound, low, _mm512_add_ps(_mm512_maskz_loadu_ps(low, bound), b0));
  _mm512_mask_storeu_ps(bound + 16, high, _mm512_add_ps(_mm512_maskz_loadu_ps(high, bound + 16), b1));
}

// Rows added in double, 32 columns at a time in eight registers (sums and magnitudes of
// both halves, each half widened to two vectors of doubles), down all the rows before the
// next 32: the same additions in the same order as the loops, kept out of memory.
[[maybe_unused]] void f64_add_rows_avx512(const float* lines, int64_t ld, int64_t rows, int64_t count, double* sums,
                                          double* magnitudes) {
  for (int64_t c0 = 0; c0 < count; c0 += 32) {
    const int width = static_cast<int>(count - c0 < 32 ? count - c0 : 32);
    const __mmask16 halves[2] = {lanes(width), lanes(width - 16)};
    __mmask8 quarters[4];
    __m512d s[4], a[4];
    for (int q = 0; q < 4; ++q) {
      const int left = width - 8 * q;
      quarters[q] = static_cast<__mmask8>(left >= 8 ? 0xff : left <= 0 ? 0 : (1u << left) - 1);
      s[q] = _mm512_maskz_loadu_pd(quarters[q], sums + c0 + 8 * q);
      a[q] = _mm512_maskz_loadu_pd(quarters[q], magnitudes + c0 + 8 * q);
    }
    for (int64_t i = 0; i < rows; ++i) {
      const float* line = lines + i * ld + c0;
      for (int h = 0; h < 2; ++h) {
        const __m512 x = _mm512_maskz_loadu_ps(halves[h], line + 16 * h);
        const __m512d low = _mm512_cvtps_pd(_mm512_castps512_ps256(x));
        const __m512d high = _mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1));
        s[2 * h] = _mm512_add_pd(s[2 * h], low);
        s[2 * h + 1] = _mm512_add_pd(s[2 * h + 1], high);
        a[2 * h] = _mm512_add_pd(a[2 * h], _mm512_abs_pd(low));
        a[2 * h + 1] = _mm512_add_pd(a[2 * h + 1], _mm512_abs_pd(high));
      }
    }
    for (int q = 0; q < 4; ++q) {
      _mm512_mask_storeu_pd(sums + c0 + 8 * q, quarters[q], s[q]);
      _mm512_mask_storeu_pd(magnitudes + c0 + 8 * q, quarters[q], a[q]);
    }
  }
}

}  // namespace
}  // namespace vigil::kernels

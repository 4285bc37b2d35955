// SPDX-License-Identifier: Apache-2.0
// The fp32 checksum kernels (kernels/gemm_checksum_predict.h) on AVX-512, shared by the
// AVX-512 and AVX-512 VNNI entries of the family: the prediction on two zmm of 16 lanes
// with masks for narrow panels, two lines of depth at a time into separate accumulators so
// that the FMA latency is covered. Included by
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

}  // namespace
}  // namespace vigil::kernels

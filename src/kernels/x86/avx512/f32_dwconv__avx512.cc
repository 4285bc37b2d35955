// SPDX-License-Identifier: Apache-2.0
// The AVX-512 depthwise kernels: kernels/x86/f32_dwconv_vector.inc on 16-float registers.
// Compiled with the AVX-512 flags.
#include <immintrin.h>

// GCC 12's _mm512_min_ps and _mm512_max_ps pass an undefined vector as the unused merge
// source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/x86/f32_dwconv_vector.inc"

namespace vigil::kernels {

namespace {

struct Avx512 {
  using T = __m512;
  static constexpr int kLanes = 16;
  static T set1(float v) { return _mm512_set1_ps(v); }
  static T load(const float* p) { return _mm512_loadu_ps(p); }
  // p[0], p[2], ..., p[30]: the even lanes of two loads in one two-source permute.
  static T load_even(const float* p) {
    const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(_mm512_loadu_ps(p), evens, _mm512_loadu_ps(p + 16));
  }
  static T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm512_add_ps(a, b); }
  static T min(T a, T b) { return _mm512_min_ps(a, b); }
  static T max(T a, T b) { return _mm512_max_ps(a, b); }
  static void store(float* p, T v) { _mm512_storeu_ps(p, v); }
  static __mmask16 mask(int64_t live) { return static_cast<__mmask16>((1u << live) - 1); }
  // The first `live` lanes; the others read as zero and are never touched in memory.
  static T load_partial(const float* p, int64_t live) { return _mm512_maskz_loadu_ps(mask(live), p); }
  static void store_partial(float* p, T v, int64_t live) { _mm512_mask_storeu_ps(p, mask(live), v); }
  static const char* name(int which) {
    static const char* const names[] = {"f32_dwconv_3x3s1__avx512", "f32_dwconv_3x3s2__avx512",
                                        "f32_dwconv_5x5s1__avx512", "f32_dwconv_5x5s2__avx512"};
    return names[which];
  }
};

}  // namespace

F32DwConvKernel f32_dwconv_select__avx512(const F32DwConvGeometry& g) { return dwconv_vector::select<Avx512>(g); }

}  // namespace vigil::kernels

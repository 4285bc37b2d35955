// SPDX-License-Identifier: Apache-2.0
// The AVX2+FMA depthwise kernels: kernels/x86/f32_dwconv_vector.inc on 8-float registers.
// Compiled with the AVX2 and FMA flags only.
#include <immintrin.h>

#include "kernels/x86/f32_dwconv_vector.inc"

namespace vigil::kernels {

namespace {

struct Avx2 {
  using T = __m256;
  static constexpr int kLanes = 8;
  static T set1(float v) { return _mm256_set1_ps(v); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  // p[0], p[2], ..., p[14]: two loads, the even lanes of each 128-bit half, then the
  // 64-bit pairs put back in order.
  static T load_even(const float* p) {
    const __m256 evens = _mm256_shuffle_ps(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8), 0x88);
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(evens), 0xD8));
  }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static T min(T a, T b) { return _mm256_min_ps(a, b); }
  static T max(T a, T b) { return _mm256_max_ps(a, b); }
  static void store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static __m256i mask(int64_t live) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(live)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  // The first `live` lanes; the others read as zero and are never touched in memory.
  static T load_partial(const float* p, int64_t live) { return _mm256_maskload_ps(p, mask(live)); }
  // A masked store is slow on AMD cores (and a store through the stack stalls the
  // reloads): 4, 2 and 1 floats from the halves instead.
  static void store_partial(float* p, T v, int64_t live) {
    __m128 part = _mm256_castps256_ps128(v);
    if (live >= 4) {
      _mm_storeu_ps(p, part);
      part = _mm256_extractf128_ps(v, 1);
      p += 4;
      live -= 4;
    }
    if (live >= 2) {
      _mm_storel_pi(reinterpret_cast<__m64*>(p), part);
      part = _mm_movehl_ps(part, part);
      p += 2;
      live -= 2;
    }
    if (live >= 1) _mm_store_ss(p, part);
  }
  static const char* name(int which) {
    static const char* const names[] = {"f32_dwconv_3x3s1__avx2", "f32_dwconv_3x3s2__avx2", "f32_dwconv_5x5s1__avx2",
                                        "f32_dwconv_5x5s2__avx2"};
    return names[which];
  }
};

}  // namespace

F32DwConvKernel f32_dwconv_select__avx2(const F32DwConvGeometry& g) { return dwconv_vector::select<Avx2>(g); }

}  // namespace vigil::kernels

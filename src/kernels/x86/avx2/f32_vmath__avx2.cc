// SPDX-License-Identifier: Apache-2.0
// The AVX2+FMA unary, binary and reduce primitives: the 8-lane vector type for the shared
// template kernels/x86/f32_vmath_impl.h, and its table. Tails use masked loads and stores.
#include <immintrin.h>

#include "kernels/x86/f32_vmath_impl.h"

namespace vigil::kernels {

namespace {

struct Avx2 {
  using F = __m256;
  using M = __m256;
  static constexpr int kWidth = 8;

  static __m256i first(int r) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(r), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
  static F load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, F v) { _mm256_storeu_ps(p, v); }
  static F load_partial(const float* p, int r) { return _mm256_maskload_ps(p, first(r)); }
  static void store_partial(float* p, F v, int r) { _mm256_maskstore_ps(p, first(r), v); }
  static F select_first(F v, int r) { return _mm256_and_ps(v, _mm256_castsi256_ps(first(r))); }
  static F select_first_or(F v, int r, F fill) { return _mm256_blendv_ps(fill, v, _mm256_castsi256_ps(first(r))); }
  static F set1(float v) { return _mm256_set1_ps(v); }
  static F add(F a, F b) { return _mm256_add_ps(a, b); }
  static F sub(F a, F b) { return _mm256_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm256_mul_ps(a, b); }
  static F div(F a, F b) { return _mm256_div_ps(a, b); }
  static F max(F a, F b) { return _mm256_max_ps(a, b); }
  // max(acc, x), NaN when either is: vmaxps keeps its second operand (acc) on a NaN, so a
  // NaN x is put back by a blend.
  static F max_keeping_nan(F acc, F x) {
    return _mm256_blendv_ps(_mm256_max_ps(x, acc), x, _mm256_cmp_ps(x, x, _CMP_UNORD_Q));
  }
  static F min(F a, F b) { return _mm256_min_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm256_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm256_fnmadd_ps(a, b, c); }
  static F sqrt(F a) { return _mm256_sqrt_ps(a); }
  static F round(F a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static F abs(F a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static F copy_sign(F magnitude, F sign) {
    const F bit = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(bit, magnitude), _mm256_and_ps(bit, sign));
  }
  static M less(F a, F b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }
  static F select(M m, F a, F b) { return _mm256_blendv_ps(b, a, m); }
  // a * 2^n as a * 2^(n/2) * 2^(n - n/2): each factor is a normal float for |n| <= 252.
  static F scale_pow2(F a, F n) {
    const __m256i k = _mm256_cvtps_epi32(n);
    const __m256i k1 = _mm256_srai_epi32(k, 1);
    const __m256i k2 = _mm256_sub_epi32(k, k1);
    const __m256i bias = _mm256_set1_epi32(127);
    const F s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k1, bias), 23));
    const F s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(k2, bias), 23));
    return _mm256_mul_ps(_mm256_mul_ps(a, s1), s2);
  }
  // shuffle_ps picks within 128-bit halves: (lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6); the
  // 64-bit permute puts the quarters in order.
  static F even_lanes(F lo, F hi) {
    const F mixed = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(2, 0, 2, 0));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  static F odd_lanes(F lo, F hi) {
    const F mixed = _mm256_shuffle_ps(lo, hi, _MM_SHUFFLE(3, 1, 3, 1));
    return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(mixed), _MM_SHUFFLE(3, 1, 2, 0)));
  }
  static float hsum(F v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static float hmax(F v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(_mm_movehl_ps(m, m), m);
    m = _mm_max_ss(_mm_movehdup_ps(m), m);
    return _mm_cvtss_f32(m);
  }
};

}  // namespace

const F32VectorPaths f32_vmath__avx2 = vmath::make_paths<Avx2>("f32_vmath__avx2", kAvx2Features);

}  // namespace vigil::kernels

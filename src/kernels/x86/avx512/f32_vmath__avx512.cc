// SPDX-License-Identifier: Apache-2.0
// The AVX-512 unary, binary and reduce primitives: the 16-lane vector type for the shared
// template kernels/x86/f32_vmath_impl.h, and its table. Tails use mask registers; the
// exponent scale is one vscalefps.
// GCC 12's AVX-512 headers seed the unmasked forms with _mm512_undefined_ps(), which it
// then reports as (maybe) uninitialized when inlined into templates: a false warning.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#include <immintrin.h>

#include "kernels/x86/f32_vmath_impl.h"

namespace vigil::kernels {

namespace {

struct Avx512 {
  using F = __m512;
  using M = __mmask16;
  static constexpr int kWidth = 16;

  static __mmask16 first(int r) { return static_cast<__mmask16>((1u << r) - 1u); }
  static F load(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, F v) { _mm512_storeu_ps(p, v); }
  static F load_partial(const float* p, int r) { return _mm512_maskz_loadu_ps(first(r), p); }
  static void store_partial(float* p, F v, int r) { _mm512_mask_storeu_ps(p, first(r), v); }
  static F select_first(F v, int r) { return _mm512_maskz_mov_ps(first(r), v); }
  static F select_first_or(F v, int r, F fill) { return _mm512_mask_mov_ps(fill, first(r), v); }
  static F set1(float v) { return _mm512_set1_ps(v); }
  static F add(F a, F b) { return _mm512_add_ps(a, b); }
  static F sub(F a, F b) { return _mm512_sub_ps(a, b); }
  static F mul(F a, F b) { return _mm512_mul_ps(a, b); }
  static F div(F a, F b) { return _mm512_div_ps(a, b); }
  static F max(F a, F b) { return _mm512_max_ps(a, b); }
  // max(acc, x), NaN when either is: vmaxps keeps its second operand (acc) on a NaN, so a
  // NaN x is put back under a mask.
  static F max_keeping_nan(F acc, F x) {
    return _mm512_mask_mov_ps(_mm512_max_ps(x, acc), _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), x);
  }
  static F min(F a, F b) { return _mm512_min_ps(a, b); }
  static F fmadd(F a, F b, F c) { return _mm512_fmadd_ps(a, b, c); }
  static F fnmadd(F a, F b, F c) { return _mm512_fnmadd_ps(a, b, c); }
  static F sqrt(F a) { return _mm512_sqrt_ps(a); }
  static F round(F a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
  static F abs(F a) { return _mm512_abs_ps(a); }
  static F copy_sign(F magnitude, F sign) {
    const __m512i bit = _mm512_set1_epi32(static_cast<int>(0x80000000u));
    const __m512i m = _mm512_andnot_si512(bit, _mm512_castps_si512(magnitude));
    return _mm512_castsi512_ps(_mm512_or_si512(m, _mm512_and_si512(bit, _mm512_castps_si512(sign))));
  }
  static M less(F a, F b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }
  static F select(M m, F a, F b) { return _mm512_mask_blend_ps(m, b, a); }
  static F scale_pow2(F a, F n) { return _mm512_scalef_ps(a, n); }
  static F even_lanes(F lo, F hi) {
    const __m512i index = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return _mm512_permutex2var_ps(lo, index, hi);
  }
  static F odd_lanes(F lo, F hi) {
    const __m512i index = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    return _mm512_permutex2var_ps(lo, index, hi);
  }
  static float hsum(F v) { return _mm512_reduce_add_ps(v); }
  static float hmax(F v) {
    __m256 m = _mm256_max_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    __m128 q = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    q = _mm_max_ps(_mm_movehl_ps(q, q), q);
    q = _mm_max_ss(_mm_movehdup_ps(q), q);
    return _mm_cvtss_f32(q);
  }
};

}  // namespace

const F32VectorPaths f32_vmath__avx512 = vmath::make_paths<Avx512>("f32_vmath__avx512", kAvx512Features);

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The AVX2 Winograd transforms: kernels/f32_winograd_transforms.inc on 8 tiles per
// register, and the gather's and scatter's transposes between image rows (tiles m floats
// apart) and tile lanes. Compiled with the AVX2 and FMA flags only.
#include <immintrin.h>

#include "kernels/f32_winograd_transforms.inc"

namespace vigil::kernels {

namespace {

struct Avx2 {
  using T = __m256;
  static constexpr int kLanes = 8;
  static T zero() { return _mm256_setzero_ps(); }
  static T set1(float x) { return _mm256_set1_ps(x); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static void store(float* p, T x) { _mm256_storeu_ps(p, x); }
  static T add(T a, T b) { return _mm256_add_ps(a, b); }
  static T sub(T a, T b) { return _mm256_sub_ps(a, b); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  // a's NaN goes through, as std::min and std::max keep their first argument.
  static T min(T a, T b) { return _mm256_min_ps(b, a); }
  static T max(T a, T b) { return _mm256_max_ps(b, a); }

  // 4 x 4 transposes within each 128-bit half: r_k's half h holds row 4h + k.
  static void transpose4(T& r0, T& r1, T& r2, T& r3) {
    const T t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
    const T t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
    r0 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2)));
    r1 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(t0), _mm256_castps_pd(t2)));
    r2 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3)));
    r3 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(t1), _mm256_castps_pd(t3)));
  }
  static T load2(const float* lo, const float* hi) {
    return _mm256_insertf128_ps(_mm256_castps128_ps256(_mm_loadu_ps(lo)), _mm_loadu_ps(hi), 1);
  }
  // p[4t .. 4t + 3] (c0 .. c3) and p[2t], p[2t + 1] for the 8 tiles t of a register.
  static void columns4(const float* p, T& c0, T& c1, T& c2, T& c3) {
    c0 = load2(p, p + 16), c1 = load2(p + 4, p + 20), c2 = load2(p + 8, p + 24), c3 = load2(p + 12, p + 28);
    transpose4(c0, c1, c2, c3);
  }
  static void columns2(const float* p, T& c0, T& c1) {
    const T a = _mm256_loadu_ps(p), b = _mm256_loadu_ps(p + 8);
    c0 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xd8));
    c1 = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0xdd)), 0xd8));
  }

  // p[4t .. 4t + 3] and p[2t], p[2t + 1] for the 4 tiles t of an SSE register.
  static void columns4(const float* p, __m128& c0, __m128& c1, __m128& c2, __m128& c3) {
    c0 = _mm_loadu_ps(p), c1 = _mm_loadu_ps(p + 4), c2 = _mm_loadu_ps(p + 8), c3 = _mm_loadu_ps(p + 12);
    _MM_TRANSPOSE4_PS(c0, c1, c2, c3);
  }
  static void columns2(const float* p, __m128& c0, __m128& c1) {
    const __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4);
    c0 = _mm_shuffle_ps(a, b, 0x88), c1 = _mm_shuffle_ps(a, b, 0xdd);
  }
  static void store(float* p, __m128 x) { _mm_storeu_ps(p, x); }

  // L (8 or 4) tiles from padded rows (tile t at column t * M of row i = rows + i * ld)
  // into d[(i * A + j) * count + t].
  template <int M, int L>
  static void gather_tiles(const float* rows, int64_t ld, float* d, int64_t count) {
    // The register type (not std::conditional: GCC drops __m256's attributes there).
    using R = decltype([] {
      if constexpr (L == 8) {
        return _mm256_setzero_ps();
      } else {
        return _mm_setzero_ps();
      }
    }());
    constexpr int A = M + 2;
#pragma GCC unroll 6
    for (int i = 0; i < A; ++i) {
      const float* p = rows + i * ld;
      float* out = d + i * A * count;
      if constexpr (M == 4) {
        R c0, c1, c2, c3, c4, c5, unused0, unused1;
        columns4(p, c0, c1, c2, c3);
        columns4(p + 4, c4, c5, unused0, unused1);  // columns 4 and 5: the next tile's 0 and 1
        store(out, c0), store(out + count, c1), store(out + 2 * count, c2);
        store(out + 3 * count, c3), store(out + 4 * count, c4), store(out + 5 * count, c5);
      } else {
        R c0, c1, c2, c3;
        columns2(p, c0, c1);
        columns2(p + 2, c2, c3);
        store(out, c0), store(out + count, c1), store(out + 2 * count, c2), store(out + 3 * count, c3);
      }
    }
  }

  // Row i of L (8 or 4) full output tiles, from y[(i * M + j) * count + t], to M * L
  // contiguous floats.
  template <int M, int L>
  static void scatter_tiles(const float* y, int64_t count, int i, float* out) {
    const float* p = y + i * M * count;
    if constexpr (M == 4 && L == 8) {
      T r0 = load(p), r1 = load(p + count), r2 = load(p + 2 * count), r3 = load(p + 3 * count);
      transpose4(r0, r1, r2, r3);  // r_k: tile k's 4 values, then tile k + 4's
      store(out, _mm256_permute2f128_ps(r0, r1, 0x20));
      store(out + 8, _mm256_permute2f128_ps(r2, r3, 0x20));
      store(out + 16, _mm256_permute2f128_ps(r0, r1, 0x31));
      store(out + 24, _mm256_permute2f128_ps(r2, r3, 0x31));
    } else if constexpr (M == 4) {
      __m128 r0 = _mm_loadu_ps(p), r1 = _mm_loadu_ps(p + count), r2 = _mm_loadu_ps(p + 2 * count);
      __m128 r3 = _mm_loadu_ps(p + 3 * count);
      _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
      store(out, r0), store(out + 4, r1), store(out + 8, r2), store(out + 12, r3);
    } else if constexpr (L == 8) {
      const T c0 = load(p), c1 = load(p + count);
      const T lo = _mm256_unpacklo_ps(c0, c1), hi = _mm256_unpackhi_ps(c0, c1);  // tiles 0 1 4 5, 2 3 6 7
      store(out, _mm256_permute2f128_ps(lo, hi, 0x20));
      store(out + 8, _mm256_permute2f128_ps(lo, hi, 0x31));
    } else {
      const __m128 c0 = _mm_loadu_ps(p), c1 = _mm_loadu_ps(p + count);
      store(out, _mm_unpacklo_ps(c0, c1)), store(out + 4, _mm_unpackhi_ps(c0, c1));
    }
  }
};

}  // namespace

F32WinogradKernels f32_winograd_kernels__avx2(int m) {
  return winograd::kernels<Avx2>(m, "f32_winograd_f2x2_3x3__avx2", "f32_winograd_f4x4_3x3__avx2");
}

}  // namespace vigil::kernels

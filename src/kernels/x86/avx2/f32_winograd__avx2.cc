// The AVX2 Winograd transforms: kernels/f32_winograd_transforms.inc on 8 tiles per
// register. Compiled with the AVX2 and FMA flags only.
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
};

}  // namespace

F32WinogradKernels f32_winograd_kernels__avx2(int m) {
  return winograd::kernels<Avx2>(m, "f32_winograd_f2x2_3x3__avx2", "f32_winograd_f4x4_3x3__avx2");
}

}  // namespace vigil::kernels

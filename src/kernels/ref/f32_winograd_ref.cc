// SPDX-License-Identifier: Apache-2.0
// The scalar reference Winograd transforms (kernels/f32_winograd.h): the shared template
// on one lane, the filter transform, and the choice of path.
#include "kernels/f32_winograd_transforms.inc"

namespace vigil::kernels {

void f32_winograd_filter(int m, const float* g, float* u) {
  static constexpr float g2[4][3] = {{1, 0, 0}, {0.5f, 0.5f, 0.5f}, {0.5f, -0.5f, 0.5f}, {0, 0, 1}};
  static constexpr float g4[6][3] = {{1.0f / 4, 0, 0},
                                     {-1.0f / 6, -1.0f / 6, -1.0f / 6},
                                     {-1.0f / 6, 1.0f / 6, -1.0f / 6},
                                     {1.0f / 24, 1.0f / 12, 1.0f / 6},
                                     {1.0f / 24, -1.0f / 12, 1.0f / 6},
                                     {0, 0, 1}};
  const int a = winograd_alpha(m);
  auto gm = [&](int r, int k) { return m == 2 ? g2[r][k] : g4[r][k]; };
  double half[6][3];  // G g, in double so that U carries no more rounding than its storage
  for (int r = 0; r < a; ++r)
    for (int c = 0; c < 3; ++c) {
      half[r][c] = 0.0;
      for (int k = 0; k < 3; ++k) half[r][c] += static_cast<double>(gm(r, k)) * g[k * 3 + c];
    }
  for (int r = 0; r < a; ++r)
    for (int c = 0; c < a; ++c) {
      double sum = 0.0;
      for (int k = 0; k < 3; ++k) sum += half[r][k] * gm(c, k);
      u[r * a + c] = static_cast<float>(sum);
    }
}

F32WinogradKernels f32_winograd_kernels__scalar(int m) {
  return winograd::kernels<winograd::Scalar>(m, "f32_winograd_f2x2_3x3__scalar", "f32_winograd_f4x4_3x3__scalar");
}

namespace {

constexpr F32WinogradPath kScalar{"f32_winograd__scalar", CpuFeatures{}, f32_winograd_kernels__scalar};
constexpr F32WinogradPath kAvx2{"f32_winograd__avx2", kAvx2Features, f32_winograd_kernels__avx2};
constexpr const F32WinogradPath* kPaths[] = {&kScalar, &kAvx2};

}  // namespace

const KernelRegistry<F32WinogradPath>& f32_winograd_paths() {
  static const KernelRegistry<F32WinogradPath> registry("f32_winograd", kPaths);
  return registry;
}

F32WinogradKernels f32_winograd_kernels(int m, Isa isa) {
  return f32_winograd_paths().best(isa_features(isa)).kernels(m);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The vector depthwise kernels against the scalar reference (kernels/f32_dwconv.h) on
// every geometry they specialise: 3x3 and 5x5 at strides 1 and 2, widths below, at and
// past the vector width (groups of 4, 2 and 1 vectors with partial tails), padding from
// none to the kernel's reach on each side, with bias, residual and clamp. The AVX-512
// kernels are skipped where the CPU lacks them.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>

#include "kernels/f32_dwconv.h"

namespace vigil::kernels {
namespace {

void compare(Isa isa, F32DwConvKernel (*select)(const F32DwConvGeometry&)) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  int checked = 0;
  for (int64_t k : {3, 5})
    for (int64_t s : {1, 2})
      for (int64_t w : {1, 7, 8, 9, 16, 17, 31, 40, 57, 71, 115})
        for (int64_t pad : {int64_t(0), k / 2, k - 1}) {
          F32DwConvGeometry g;
          g.in_h = w % 7 + 5;
          g.in_w = w + k;
          g.kernel_h = g.kernel_w = k;
          g.stride_h = g.stride_w = s;
          g.pad_top = pad;
          g.pad_left = k - 1 - pad;  // left and right padding differ
          g.out_h = (g.in_h + 2 * pad - k) / s + 1;
          g.out_w = (g.in_w + (k - 1 - pad) + pad - k) / s + 1;
          const F32DwConvKernel kernel = select(g);
          ASSERT_NE(kernel.run, nullptr);
          ASSERT_NE(std::string(kernel.name).find(isa_name(isa)), std::string::npos);
          std::vector<float> x(size_t(g.in_h * g.in_w)), filter(size_t(k * k)), z(size_t(g.out_h * g.out_w));
          for (float& v : x) v = dist(rng);
          for (float& v : filter) v = dist(rng);
          for (float& v : z) v = dist(rng);
          F32DwConvEpilogue e;
          e.bias = 0.25f;
          e.residual = z.data();
          e.lower = -1.5f;
          e.upper = 1.5f;
          std::vector<float> expected(z.size()), got(z.size(), std::nanf(""));
          f32_dwconv__scalar(g, x.data(), filter.data(), e, expected.data());
          kernel.run(g, x.data(), filter.data(), e, got.data());
          for (size_t i = 0; i < got.size(); ++i)
            ASSERT_NEAR(got[i], expected[i], 1e-5f) << kernel.name << " w=" << w << " pad=" << pad << " at " << i;
          ++checked;
        }
  EXPECT_GT(checked, 0);
}

TEST(F32DwConv, Avx2MatchesTheReference) {
  if (detected_isa() < Isa::Avx2) GTEST_SKIP() << "no AVX2";
  compare(Isa::Avx2, f32_dwconv_select__avx2);
}

TEST(F32DwConv, Avx512MatchesTheReference) {
  if (detected_isa() < Isa::Avx512) GTEST_SKIP() << "no AVX-512 on this CPU";
  compare(Isa::Avx512, f32_dwconv_select__avx512);
}

TEST(F32DwConv, OtherShapesFallBackToTheReference) {
  F32DwConvGeometry g;
  g.kernel_h = g.kernel_w = 3;
  g.dilation_h = 2;
  EXPECT_EQ(f32_dwconv_select__avx2(g).run, nullptr);
  EXPECT_STREQ(f32_dwconv_kernel(g, Isa::Avx2).name, "f32_dwconv__scalar");
}

}  // namespace
}  // namespace vigil::kernels

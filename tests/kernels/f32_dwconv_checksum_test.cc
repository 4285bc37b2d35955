// SPDX-License-Identifier: Apache-2.0
// The depthwise invariant (kernels/f32_dwconv_checksum.h): on every geometry the kernels
// serve (3x3 and 5x5 at strides 1 and 2, and others on the reference: 1x7, dilation 2,
// asymmetric padding, windows that leave the image), the sum of a plane's outputs less its
// bias equals the checksum within its bound, on every path this CPU has; a flipped sign or
// exponent bit of one output, or a corrupted weight, breaks it. Then the Conv operator
// under a separate scheme's check sink reports one check per plane.
#include "kernels/f32_dwconv_checksum.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <vector>

#include "kernels/gemm_check.h"
#include "ops/op_test_util.h"
#include "random_data.h"

namespace vigil::kernels {
namespace {

std::vector<F32DwConvGeometry> geometries() {
  std::vector<F32DwConvGeometry> all;
  for (const int64_t k : {3, 5}) {
    for (const int64_t stride : {1, 2}) {
      for (const int64_t size : {7, 14, 19}) {
        const int64_t pad = k / 2, out = (size + 2 * pad - k) / stride + 1;
        all.push_back({size, size + 3, out, (size + 3 + 2 * pad - k) / stride + 1, k, k, stride, stride, 1, 1, pad, pad});
      }
    }
  }
  all.push_back({9, 12, 9, 6, 1, 7, 1, 1, 1, 1, 0, 0});     // 1x7, no padding
  all.push_back({10, 10, 6, 6, 3, 3, 1, 1, 2, 2, 0, 0});    // dilation 2
  all.push_back({8, 9, 4, 5, 3, 3, 2, 2, 1, 1, 1, 0});      // asymmetric padding (top 1, left 0)
  all.push_back({5, 5, 5, 5, 3, 3, 1, 1, 1, 1, 3, 3});      // windows far outside the image
  return all;
}

std::vector<Isa> paths() {
  std::vector<Isa> all;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) all.push_back(isa);
  }
  return all;
}

TEST(DwConvChecksum, CleanPlanesAgreeAndCorruptionsDoNot) {
  std::vector<double> scratch;
  uint32_t seed = 1;
  for (const F32DwConvGeometry& g : geometries()) {
    const std::vector<float> x = testing::random_values(g.in_h * g.in_w, seed++);
    std::vector<float> w = testing::random_values(g.kernel_h * g.kernel_w, seed++);
    F32DwConvEpilogue e;
    e.bias = 0.25f;
    const int64_t pixels = g.out_h * g.out_w, taps = g.kernel_h * g.kernel_w;
    const DwConvPlaneChecksum checksum = f32_dwconv_plane_checksum(g, x.data(), w.data(), scratch);
    for (const Isa isa : paths()) {
      set_active_isa(isa);  // the checksum's own sums on this path too
      std::vector<float> y(pixels);
      f32_dwconv_kernel(g, isa).run(g, x.data(), w.data(), e, y.data());
      double actual = 0, spread = 0;
      f32_dwconv_plane_sums(g, y.data(), nullptr, e.bias, scratch, actual, spread);
      size_t largest = 0;
      for (size_t i = 0; i < y.size(); ++i) {
        if (std::fabs(y[i] - e.bias) > std::fabs(y[largest] - e.bias)) largest = i;
      }
      const std::string where = std::string(isa_name(isa)) + " " + std::to_string(g.kernel_h) + "x" +
                                std::to_string(g.kernel_w) + " stride " + std::to_string(g.stride_h) + " on " +
                                std::to_string(g.in_h) + "x" + std::to_string(g.in_w);
      ASSERT_TRUE(f32_dwconv_plane_agrees(checksum, actual, spread)) << where;
      for (const int bit : {23, 27, 30, 31}) {  // the largest output's exponent and sign
        const float flipped = std::bit_cast<float>(std::bit_cast<uint32_t>(y[largest]) ^ (uint32_t{1} << bit));
        const double moved = actual - y[largest] + flipped;
        EXPECT_FALSE(f32_dwconv_plane_agrees(checksum, moved, spread)) << where << " bit " << bit;
      }
    }
    set_active_isa(detected_isa());
    // A weight changed after the checksum's copy was taken: the output moves, the
    // prediction (from the copy) does not.
    std::vector<float> corrupted = w;
    corrupted[0] = std::bit_cast<float>(std::bit_cast<uint32_t>(w[0]) ^ (1u << 30));
    std::vector<float> y(pixels);
    f32_dwconv__scalar(g, x.data(), corrupted.data(), e, y.data());
    double actual = 0, spread = 0;
    f32_dwconv_plane_sums(g, y.data(), nullptr, e.bias, scratch, actual, spread);
    const bool tap_reads_image = f32_dwconv_plane_checksum(g, x.data(), std::vector<float>(taps, 1.0f).data(), scratch)
                                     .bound > 0;  // some tap sees the image at all
    if (tap_reads_image) {
      EXPECT_FALSE(f32_dwconv_plane_agrees(checksum, actual, spread));
    }
  }
}

TEST(DwConvChecksum, TheDepthwiseConvReportsOneCheckPerPlaneUnderSeparate) {
  const Tensor x = testing::random_tensor({2, 8, 12, 12}, 5);
  const Tensor w = testing::random_tensor({8, 1, 3, 3}, 6);
  for (const GemmCheckScheme scheme : {GemmCheckScheme::Fused, GemmCheckScheme::Separate}) {
    for (const int64_t stride : {1, 2}) {
      GemmCheckSink sink(scheme, scheme == GemmCheckScheme::Separate);
      GemmThreadContext context;
      context.check = &sink;
      const GemmThreadScope scope(context);
      testing::OpRunner runner("Conv");
      runner.attr("group", int64_t{8}).attr("pads", {1, 1, 1, 1}).attr("strides", {stride, stride});
      runner.constant(1).run({x, w});
      const GemmCheckTally tally = sink.take();
      if (scheme == GemmCheckScheme::Fused) {  // the fused scheme leaves the depthwise kernels alone
        EXPECT_EQ(tally.products, 0);
        continue;
      }
      EXPECT_EQ(tally.products, 1);
      EXPECT_EQ(tally.lines, 16);  // 2 images x 8 channels
      EXPECT_EQ(tally.failures, 0) << tally.first_failure;
    }
  }
}

}  // namespace
}  // namespace vigil::kernels

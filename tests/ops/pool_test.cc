// SPDX-License-Identifier: Apache-2.0
// Pooling operators against hand-computed results: MaxPool indices in both storage
// orders, AveragePool's count_include_pad, ceil_mode, MaxPool on the bytes of quantized
// models, LpPool, global pools, MaxUnpool.
#include <cmath>
#include <tuple>

#include "core/cpu_features.h"
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(MaxPool, IndicesInBothStorageOrders) {
  const Tensor x = make<float>({1, 1, 2, 3}, {1, 6, 3, 4, 5, 2});
  OpRunner pool = OpRunner("MaxPool", 12).attr("kernel_shape", {2, 2});
  auto y = pool.run({x}, 2);
  expect_near(y[0], {6, 6});
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{1, 1}));
  y = pool.attr("storage_order", 1).run({x}, 2);
  EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{2, 2}));
}

TEST(MaxPool, ANaNInAWindowReachesItsOutput) {
  // NaNs at scattered places of a 1x2x9x37 input: every output whose window holds one is
  // NaN (as in PyTorch and the ONNX reference), every other is its window's maximum, on
  // every instruction-set path, for strides 1 and 2 (vector loops), 3 (scalar loop), with
  // padding (border loop) and in 3-D (reference operator).
  const int64_t h = 9, w = 37;
  std::vector<float> input(2 * h * w);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<float>((i * 53) % 101) - 50;
  for (const size_t at : {0ul, 40ul, 77ul, 200ul, 333ul, 365ul, 600ul}) input[at] = std::nanf("");
  const Tensor x = make<float>({1, 2, h, w}, input);
  for (Isa isa : {Isa::Scalar, Isa::Avx2, detected_isa()}) {
    if (static_cast<int>(isa) > static_cast<int>(detected_isa())) continue;
    set_active_isa(isa);
    for (const auto& [k, stride, pad] : {std::tuple{3, 1, 0}, std::tuple{2, 2, 0}, std::tuple{3, 3, 0}, std::tuple{3, 2, 1}}) {
      const Tensor y = OpRunner("MaxPool", 13)
                           .attr("kernel_shape", {k, k})
                           .attr("strides", {stride, stride})
                           .attr("pads", {pad, pad, pad, pad})
                           .run1({x});
      const int64_t out_h = y.dim(2), out_w = y.dim(3);
      for (int64_t c = 0; c < 2; ++c) {
        for (int64_t oy = 0; oy < out_h; ++oy) {
          for (int64_t ox = 0; ox < out_w; ++ox) {
            float best = -INFINITY;
            bool nan = false;
            for (int64_t ky = 0; ky < k; ++ky) {
              for (int64_t kx = 0; kx < k; ++kx) {
                const int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                const float v = input[(c * h + iy) * w + ix];
                nan = nan || std::isnan(v);
                best = std::max(best, v);
              }
            }
            const float got = y.data<float>()[(c * out_h + oy) * out_w + ox];
            if (nan) {
              EXPECT_TRUE(std::isnan(got)) << isa_name(isa) << " k" << k << " s" << stride << " at " << oy << "," << ox;
            } else {
              EXPECT_EQ(got, best) << isa_name(isa) << " k" << k << " s" << stride << " at " << oy << "," << ox;
            }
          }
        }
      }
    }
  }
  set_active_isa(detected_isa());
  const Tensor x3 = make<float>({1, 1, 2, 2, 3}, {1, 2, 3, std::nanf(""), 5, 6, 7, 8, 9, 10, 11, 12});
  const Tensor y3 = OpRunner("MaxPool", 13).attr("kernel_shape", {2, 2, 2}).run1({x3});
  EXPECT_TRUE(std::isnan(y3.data<float>()[0]));
  EXPECT_EQ(y3.data<float>()[1], 12);
}

TEST(MaxPool, CeilModeAndIntegers) {
  const Tensor x = make<uint8_t>({1, 1, 5}, {1, 2, 3, 4, 5});
  const Tensor y = OpRunner("MaxPool").attr("kernel_shape", {2}).attr("strides", {2}).attr("ceil_mode", 1).run1({x});
  EXPECT_EQ(values<uint8_t>(y), (std::vector<uint8_t>{2, 4, 5}));
}

TEST(MaxPool, BytesOfQuantizedModelsIn2d) {
  // The planned byte path against the maxima computed here, on every instruction-set path:
  // 3x3 windows at stride 2 with padding 1 (padding never wins), a 2x2 window at stride
  // 1, and a 3x3 window at stride 3 (the scalar window loop on every path), over a 7x9
  // plane and a 7x150 plane (whole vector steps of 64 and 32 outputs and a tail); int8 too.
  for (const int64_t width : {9, 150}) {
    std::vector<int> input(2 * 7 * width);
    for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<int>((i * 97 + 13) % 256);
    auto expected = [&](int64_t k, int64_t stride, int64_t pad, int offset) {
      const int64_t out_h = (7 + 2 * pad - k) / stride + 1, out_w = (width + 2 * pad - k) / stride + 1;
      std::vector<int> y;
      for (int64_t c = 0; c < 2; ++c) {
        for (int64_t oy = 0; oy < out_h; ++oy) {
          for (int64_t ox = 0; ox < out_w; ++ox) {
            int best = -1000;
            for (int64_t ky = 0; ky < k; ++ky) {
              for (int64_t kx = 0; kx < k; ++kx) {
                const int64_t iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy >= 0 && iy < 7 && ix >= 0 && ix < width) {
                  best = std::max(best, input[(c * 7 + iy) * width + ix] - offset);
                }
              }
            }
            y.push_back(best);
          }
        }
      }
      return y;
    };
    std::vector<uint8_t> u8(input.begin(), input.end());
    std::vector<int8_t> s8;
    for (int v : input) s8.push_back(static_cast<int8_t>(v - 128));
    for (auto [k, stride, pad] : {std::tuple<int64_t, int64_t, int64_t>{3, 2, 1}, {2, 1, 0}, {3, 3, 1}}) {
      const std::vector<int> want_u8 = expected(k, stride, pad, 0), want_s8 = expected(k, stride, pad, 128);
      for (Isa isa : {Isa::Scalar, detected_isa()}) {
        set_active_isa(isa);
        OpRunner pool("MaxPool", 12);
        pool.attr("kernel_shape", {k, k}).attr("strides", {stride, stride}).attr("pads", {pad, pad, pad, pad});
        const Tensor y_u8 = pool.run1({make<uint8_t>({1, 2, 7, width}, u8)});
        const Tensor y_s8 = pool.run1({make<int8_t>({1, 2, 7, width}, s8)});
        const std::vector<uint8_t> got_u8 = values<uint8_t>(y_u8);
        const std::vector<int8_t> got_s8 = values<int8_t>(y_s8);
        EXPECT_EQ(std::vector<int>(got_u8.begin(), got_u8.end()), want_u8) << isa_name(isa) << " width " << width;
        EXPECT_EQ(std::vector<int>(got_s8.begin(), got_s8.end()), want_s8) << isa_name(isa) << " width " << width;
      }
      set_active_isa(detected_isa());
    }
  }
}

TEST(AveragePool, CountIncludePad) {
  const Tensor x = make<float>({1, 1, 2}, {2, 4});
  OpRunner pool = OpRunner("AveragePool").attr("kernel_shape", {2}).attr("pads", {1, 1});
  expect_near(pool.run1({x}), {2, 3, 4});
  expect_near(pool.attr("count_include_pad", 1).run1({x}), {1, 3, 2});
}

TEST(LpPool, NormOfEachWindow) {
  const Tensor x = make<float>({1, 1, 3}, {-1, 2, -3});
  expect_near(OpRunner("LpPool").attr("kernel_shape", {3}).attr("p", 1).run1({x}), {6});
  expect_near(OpRunner("LpPool").attr("kernel_shape", {2}).run1({x}), {std::sqrt(5.0f), std::sqrt(13.0f)});
}

TEST(GlobalPool, ReducesEverySpatialDimension) {
  const Tensor x = make<float>({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4});
  const Tensor y = OpRunner("GlobalAveragePool").run1({x});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 1, 1}));
  expect_near(y, {2.5f, -2.5f});
  expect_near(OpRunner("GlobalMaxPool").run1({x}), {4, -1});
  expect_near(OpRunner("GlobalLpPool").run1({x}), {std::sqrt(30.0f), std::sqrt(30.0f)});
}

TEST(Pool, BadInputRaises) {
  // No kernel_shape.
  expect_error(ErrorKind::BadInput, [] { OpRunner("MaxPool").run1({make<float>({1, 1, 2}, {1, 2})}); });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("MaxPool").attr("kernel_shape", {3}).run1({make<float>({1, 1, 2}, {1, 2})});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("AveragePool").attr("kernel_shape", {1}).run1({make<float>({2}, {1, 2})});
  });
}

TEST(MaxUnpool, ScattersAndChecksIndices) {
  const Tensor x = make<float>({1, 1, 2}, {5, 7});
  const OpRunner unpool = OpRunner("MaxUnpool").attr("kernel_shape", {2}).attr("strides", {2});
  expect_near(unpool.run1({x, make<int64_t>({1, 1, 2}, {1, 2})}), {0, 5, 7, 0});
  expect_error(ErrorKind::BadInput, [&] { unpool.run1({x, make<int64_t>({1, 1, 2}, {1, 4})}); });
}

}  // namespace
}  // namespace vigil::testing

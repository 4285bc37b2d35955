// SPDX-License-Identifier: Apache-2.0
// Conv and ConvTranspose against hand-computed results: padding, strides, dilations,
// groups with bias, auto_pad, 3-D, output_padding, and bad shapes raising vigil::Error.
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(Conv, OneDimensionalWithPads) {
  const Tensor y = OpRunner("Conv")
                       .attr("pads", {1, 1})
                       .run1({make<float>({1, 1, 5}, {1, 2, 3, 4, 5}), make<float>({1, 1, 3}, {1, 0, -1})});
  EXPECT_EQ(y.shape(), (Shape{1, 1, 5}));
  expect_near(y, {-2, -2, -2, -2, 4});
}

TEST(Conv, DepthwiseGroupsWithBias) {
  const Tensor y = OpRunner("Conv")
                       .attr("group", 2)
                       .run1({make<float>({1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8}), make<float>({2, 1, 1, 1}, {2, 3}),
                              make<float>({2}, {1, -1})});
  expect_near(y, {3, 5, 7, 9, 14, 17, 20, 23});
}

TEST(Conv, DilationsAndStrides) {
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  const Tensor y = OpRunner("Conv", 11)
                       .attr("dilations", {2, 2})
                       .attr("strides", {2, 2})
                       .threads(2)
                       .run1({make<float>({1, 1, 5, 5}, x), make<float>({1, 1, 2, 2}, {1, 1, 1, 1})});
  EXPECT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  expect_near(y, {24, 32, 64, 72});
}

TEST(Conv, AutoPadSameUpperAndLower) {
  const Tensor x = make<float>({1, 1, 4}, {1, 2, 3, 4}), w = make<float>({1, 1, 2}, {1, 1});
  expect_near(OpRunner("Conv").attr("auto_pad", "SAME_UPPER").run1({x, w}), {3, 5, 7, 4});
  expect_near(OpRunner("Conv").attr("auto_pad", "SAME_LOWER").run1({x, w}), {1, 3, 5, 7});
  EXPECT_EQ(OpRunner("Conv").attr("auto_pad", "VALID").attr("pads", {3, 3}).run1({x, w}).shape(), (Shape{1, 1, 3}));
}

TEST(Conv, ThreeDimensionalDouble) {
  const Tensor x = make<double>({1, 1, 2, 2, 2}, std::vector<double>(8, 1.5));
  const Tensor w = make<double>({1, 1, 2, 2, 2}, std::vector<double>(8, 2.0));
  const Tensor y = OpRunner("Conv").run1({x, w});
  EXPECT_EQ(y.shape(), (Shape{1, 1, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(y.data<double>()[0], 24.0);
}

TEST(Conv, BadShapesRaise) {
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Conv").run1({make<float>({1, 2, 3}, std::vector<float>(6)), make<float>({1, 1, 2}, {1, 1})});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Conv").run1(
        {make<float>({1, 1, 3}, {1, 2, 3}), make<float>({1, 1, 2}, {1, 1}), make<float>({2}, {0, 0})});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Conv").run1({make<float>({1, 1, 2}, {1, 2}), make<float>({1, 1, 3}, {1, 1, 1})});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("Conv").attr("strides", {1, 1}).run1({make<float>({1, 1, 3}, {1, 2, 3}), make<float>({1, 1, 2}, {1, 1})});
  });
}

TEST(Conv, ThreadsGiveTheSameResult) {
  // Large enough for the parallel paths: GEMM tiles (group 1) and (image, group) units.
  std::vector<float> x(2 * 8 * 20 * 20), w(8 * 8 * 3 * 3);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 13) - 6;
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i % 7) * 0.25f;
  for (int64_t group : {1, 8}) {
    const Tensor input = make<float>({2, 8, 20, 20}, x);
    const Tensor weights =
        make<float>({8, 8 / group, 3, 3}, std::vector<float>(w.begin(), w.begin() + 8 * 8 / group * 9));
    OpRunner conv = OpRunner("Conv", 11).attr("group", group).attr("pads", {1, 1, 1, 1});
    const Tensor serial = conv.threads(1).run1({input, weights});
    const Tensor parallel = conv.threads(2).run1({input, weights});
    expect_near(values(parallel), values(serial));
  }
}

TEST(ConvTranspose, StrideAndOutputPadding) {
  const Tensor x = make<float>({1, 1, 3}, {1, 2, 3}), w = make<float>({1, 1, 2}, {1, 1});
  expect_near(OpRunner("ConvTranspose").attr("strides", {2}).run1({x, w}), {1, 1, 2, 2, 3, 3});
  expect_near(OpRunner("ConvTranspose").attr("strides", {2}).attr("output_padding", {1}).run1({x, w}),
              {1, 1, 2, 2, 3, 3, 0});
  // Overlapping windows add up; pads trim the ends.
  expect_near(OpRunner("ConvTranspose").attr("pads", {1, 1}).run1({x, w, make<float>({1}, {10})}), {13, 15});
}

TEST(ConvTranspose, GroupsAndOutputShape) {
  const Tensor x = make<float>({1, 2, 2}, {1, 2, 3, 4}), w = make<float>({2, 1, 1}, {2, -1});
  const Tensor y = OpRunner("ConvTranspose").attr("group", 2).attr("output_shape", {3}).run1({x, w});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 3}));
  expect_near(y, {2, 4, 0, -3, -4, 0});
}

}  // namespace
}  // namespace vigil::testing

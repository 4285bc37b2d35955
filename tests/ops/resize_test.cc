// SPDX-License-Identifier: Apache-2.0
// Resize and Upsample: coordinate transformations, nearest modes, linear and cubic
// weights, scales versus sizes, crop-and-resize extrapolation.
#include "ops/op_test_util.h"

namespace vigil::testing {

namespace {
const Tensor kRow = make<float>({1, 1, 1, 2}, {1, 3});
Tensor scales(std::vector<float> values) { return make<float>({static_cast<int64_t>(values.size())}, values); }
}  // namespace

TEST(ResizeOps, LinearHalfPixelClampsAtTheEdges) {
  expect_tensor<float>(OpRunner("Resize", 13).attr("mode", "linear").run1({kRow, Tensor(), scales({1, 1, 1, 2})}),
                       {1, 1, 1, 4}, {1, 1.5f, 2.5f, 3});
}

TEST(ResizeOps, LinearAlignCornersWithSizes) {
  const Tensor y = OpRunner("Resize", 13)
                       .attr("mode", "linear")
                       .attr("coordinate_transformation_mode", "align_corners")
                       .run1({kRow, Tensor(), Tensor(), ints({1, 1, 1, 3})});
  expect_tensor<float>(y, {1, 1, 1, 3}, {1, 2, 3});
}

TEST(ResizeOps, NearestModes) {
  const Tensor x = make<int32_t>({1, 3}, {10, 20, 30});
  // asymmetric, scale 2: output 1 maps to 0.5, which the nearest mode resolves.
  auto run = [&](const char* mode) {
    return OpRunner("Resize", 13)
        .attr("coordinate_transformation_mode", "asymmetric")
        .attr("nearest_mode", mode)
        .run1({x, Tensor(), scales({1, 2})});
  };
  expect_tensor<int32_t>(run("round_prefer_floor"), {1, 6}, {10, 10, 20, 20, 30, 30});
  expect_tensor<int32_t>(run("round_prefer_ceil"), {1, 6}, {10, 20, 20, 30, 30, 30});
  expect_tensor<int32_t>(run("ceil"), {1, 6}, {10, 20, 20, 30, 30, 30});
  expect_tensor<int32_t>(run("floor"), {1, 6}, {10, 10, 20, 20, 30, 30});
}

TEST(ResizeOps, CubicIdentityAtScaleOne) {
  const Tensor x = make<double>({1, 4}, {1, 5, 2, 8});
  expect_tensor<double>(OpRunner("Resize", 13).attr("mode", "cubic").run1({x, Tensor(), scales({1, 1})}), {1, 4},
                        {1, 5, 2, 8});
}

TEST(ResizeOps, CubicWeightsAtHalfPositions) {
  // align_corners, 4 -> 7: output o sits at o / 2. Whole positions copy the input; at
  // t = 0.5 the weights (a = -0.75) are -0.09375, 0.59375, 0.59375, -0.09375, taps clamped.
  const Tensor x = make<float>({1, 4}, {0, 0, 4, 0});
  const Tensor y = OpRunner("Resize", 13)
                       .attr("mode", "cubic")
                       .attr("coordinate_transformation_mode", "align_corners")
                       .run1({x, Tensor(), Tensor(), ints({1, 7})});
  expect_tensor<float>(y, {1, 7}, {0, -0.375f, 0, 2.375f, 4, 2.375f, 0});
}

TEST(ResizeOps, CropAndResizeExtrapolates) {
  const Tensor roi = make<float>({4}, {0, 0, 1, 2});
  const Tensor y = OpRunner("Resize", 13)
                       .attr("mode", "linear")
                       .attr("coordinate_transformation_mode", "tf_crop_and_resize")
                       .attr("extrapolation_value", 7.0f)
                       .run1({make<float>({1, 2}, {1, 3}), roi, Tensor(), ints({1, 3})});
  expect_tensor<float>(y, {1, 3}, {1, 3, 7});
}

TEST(ResizeOps, UpsampleAttributeAndInputScales) {
  const Tensor x = make<float>({1, 2}, {1, 2});
  expect_tensor<float>(OpRunner("Upsample", 7).attr("scales", std::vector<float>{1, 2}).run1({x}), {1, 4},
                       {1, 1, 2, 2});
  expect_tensor<float>(OpRunner("Upsample", 9).run1({x, scales({2, 1})}), {2, 2}, {1, 2, 1, 2});
}

TEST(ResizeOps, BadScalesAndSizes) {
  expect_error(ErrorKind::BadInput, [] { OpRunner("Resize", 13).run1({kRow}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("Resize", 13).run1({kRow, Tensor(), scales({1, 2})}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("Resize", 13).run1({kRow, Tensor(), scales({1, 1, 1, 0})}); });
  expect_error(ErrorKind::Unsupported, [] { OpRunner("Resize", 13).attr("mode", "area").run1({kRow}); });
}

}  // namespace vigil::testing

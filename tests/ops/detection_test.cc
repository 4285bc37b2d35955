// SPDX-License-Identifier: Apache-2.0
// NonMaxSuppression, RoiAlign and GridSample: selection order and thresholds, the
// sampling grid and its modes, padding, and bad input.
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {

namespace {

// Three boxes as [y1, x1, y2, x2]: the second overlaps the first with IoU 0.9 / 1.1, the
// third lies apart.
const Tensor kBoxes = make<float>({1, 3, 4}, {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 10, 1, 11});
const Tensor kScores = make<float>({1, 1, 3}, {0.9f, 0.8f, 0.7f});

Tensor scalar_i(int64_t v) { return Tensor::scalar<int64_t>(v); }
Tensor scalar_f(float v) { return Tensor::scalar<float>(v); }

Tensor nms(const Tensor& boxes, const Tensor& scores, const std::vector<Tensor>& limits, int64_t center = 0) {
  std::vector<Tensor> in{boxes, scores};
  in.insert(in.end(), limits.begin(), limits.end());
  return OpRunner("NonMaxSuppression", 11).attr("center_point_box", center).run1(in);
}

}  // namespace

TEST(NonMaxSuppression, SuppressesAboveTheIouThreshold) {
  expect_tensor<int64_t>(nms(kBoxes, kScores, {scalar_i(3), scalar_f(0.5f)}), {2, 3}, {0, 0, 0, 0, 0, 2});
  // 0.818 is not above 0.9: all three stay, by descending score.
  expect_tensor<int64_t>(nms(kBoxes, kScores, {scalar_i(3), scalar_f(0.9f)}), {3, 3}, {0, 0, 0, 0, 0, 1, 0, 0, 2});
}

TEST(NonMaxSuppression, MaxOutputAndScoreThreshold) {
  expect_tensor<int64_t>(nms(kBoxes, kScores, {}), {0, 3}, {});  // max_output_boxes_per_class defaults to 0
  expect_tensor<int64_t>(nms(kBoxes, kScores, {scalar_i(1), scalar_f(1)}), {1, 3}, {0, 0, 0});
  expect_tensor<int64_t>(nms(kBoxes, kScores, {scalar_i(std::numeric_limits<int64_t>::max()), scalar_f(0.5f)}), {2, 3},
                         {0, 0, 0, 0, 0, 2});
  // The score must be strictly above the threshold.
  expect_tensor<int64_t>(nms(kBoxes, kScores, {scalar_i(5), scalar_f(1), scalar_f(0.7f)}), {2, 3}, {0, 0, 0, 0, 0, 1});
}

TEST(NonMaxSuppression, OrdersByBatchClassThenScoreWithTiesByIndex) {
  const Tensor boxes = make<float>({2, 2, 4}, {0, 0, 1, 1, 5, 5, 6, 6, 0, 0, 1, 1, 5, 5, 6, 6});
  const Tensor scores = make<float>({2, 2, 2}, {0.1f, 0.2f, 0.5f, 0.5f, 0.3f, 0.4f, 0.9f, 0.8f});
  expect_tensor<int64_t>(nms(boxes, scores, {scalar_i(2)}), {8, 3},
                         {0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1, 1, 1});
}

TEST(NonMaxSuppression, CornerOrderAndCenterFormat) {
  // Flipped corners describe the same box as kBoxes' first.
  const Tensor flipped = make<float>({1, 2, 4}, {1, 1, 0, 0, 0, 0, 1, 1});
  const Tensor two = make<float>({1, 1, 2}, {0.9f, 0.8f});
  expect_tensor<int64_t>(nms(flipped, two, {scalar_i(2), scalar_f(0.5f)}), {1, 3}, {0, 0, 0});
  // [x_center, y_center, width, height]: the same pair as kBoxes' first two.
  const Tensor centers = make<double>({1, 2, 4}, {0.5, 0.5, 1, 1, 0.6, 0.5, 1, 1});
  const Tensor scores = make<double>({1, 1, 2}, {0.9, 0.8});
  expect_tensor<int64_t>(nms(centers, scores, {scalar_i(2), scalar_f(0.8f)}, 1), {1, 3}, {0, 0, 0});
  expect_tensor<int64_t>(nms(centers, scores, {scalar_i(2), scalar_f(0.85f)}, 1), {2, 3}, {0, 0, 0, 0, 0, 1});
}

TEST(NonMaxSuppression, RejectsBadInput) {
  expect_error(ErrorKind::BadInput, [&] { nms(kBoxes, kScores, {scalar_i(3), scalar_f(1.5f)}); });
  expect_error(ErrorKind::BadInput, [&] { nms(make<float>({1, 3, 3}, std::vector<float>(9)), kScores, {}); });
  expect_error(ErrorKind::BadInput, [&] { nms(kBoxes, make<float>({1, 1, 2}, {1, 2}), {}); });
  expect_error(ErrorKind::BadInput, [&] { nms(kBoxes, kScores, {}, 2); });
}

namespace {

// A 4x4 map holding 4 * row + column: bilinear sampling reproduces it exactly inside.
const Tensor kRamp = make<float>({1, 1, 4, 4}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15});
const Tensor kFirstImage = ints({0});

Tensor roi(std::vector<float> corners) { return make<float>({1, 4}, corners); }

}  // namespace

TEST(RoiAlign, AverageWithBothCoordinateModes) {
  // Output pixel convention (opset 10): samples at 0.75 and 2.25 on each axis.
  expect_tensor<float>(OpRunner("RoiAlign", 10).attr("sampling_ratio", 2).run1({kRamp, roi({0, 0, 3, 3}), kFirstImage}),
                       {1, 1, 1, 1}, {7.5f});
  // half_pixel (opset 16's default) shifts them by -0.5: 0.25 and 1.75.
  expect_tensor<float>(OpRunner("RoiAlign", 16).attr("sampling_ratio", 2).run1({kRamp, roi({0, 0, 3, 3}), kFirstImage}),
                       {1, 1, 1, 1}, {5});
  expect_tensor<float>(OpRunner("RoiAlign", 16)
                           .attr("sampling_ratio", 2)
                           .attr("coordinate_transformation_mode", "output_half_pixel")
                           .run1({kRamp, roi({0, 0, 3, 3}), kFirstImage}),
                       {1, 1, 1, 1}, {7.5f});
}

TEST(RoiAlign, AdaptiveSamplingScaleAndBins) {
  // sampling_ratio 0 over a 4-pixel roi: 4 samples per axis, the last (3.5) clamped to 3,
  // mean position 1.875; with 2 samples (1 and 3) the mean is 2.
  expect_tensor<float>(OpRunner("RoiAlign", 10).run1({kRamp, roi({0, 0, 4, 4}), kFirstImage}), {1, 1, 1, 1}, {9.375f});
  expect_tensor<float>(OpRunner("RoiAlign", 10).attr("sampling_ratio", 2).run1({kRamp, roi({0, 0, 4, 4}), kFirstImage}),
                       {1, 1, 1, 1}, {10});
  expect_tensor<float>(OpRunner("RoiAlign", 10)
                           .attr("sampling_ratio", 2)
                           .attr("spatial_scale", 0.5f)
                           .run1({kRamp, roi({0, 0, 6, 6}), kFirstImage}),
                       {1, 1, 1, 1}, {7.5f});
  // 2x2 bins of 1.5 pixels, one sample each at 0.75 and 2.25.
  expect_tensor<float>(OpRunner("RoiAlign", 10)
                           .attr("output_height", 2)
                           .attr("output_width", 2)
                           .attr("sampling_ratio", 1)
                           .run1({kRamp, roi({0, 0, 3, 3}), kFirstImage}),
                       {1, 1, 2, 2}, {3.75f, 5.25f, 9.75f, 11.25f});
}

TEST(RoiAlign, MaxTakesTheLargestWeightedCorner) {
  const Tensor ones = make<double>({1, 1, 2, 2}, {1, 1, 1, 1});
  const Tensor box = make<double>({1, 4}, {0, 0, 1, 1});
  // One sample at (0.5, 0.5): four corners weighted 0.25 each.
  expect_tensor<double>(
      OpRunner("RoiAlign", 10).attr("mode", "max").attr("sampling_ratio", 1).run1({ones, box, kFirstImage}),
      {1, 1, 1, 1}, {0.25});
  // Samples at 0.25 and 0.75: the nearest corner weighs 0.75 * 0.75.
  expect_tensor<double>(
      OpRunner("RoiAlign", 10).attr("mode", "max").attr("sampling_ratio", 2).run1({ones, box, kFirstImage}),
      {1, 1, 1, 1}, {0.5625});
}

TEST(RoiAlign, BatchIndicesAndOutsideSamples) {
  const Tensor two_images = make<float>({2, 1, 1, 1}, {3, 7});
  const Tensor rois = make<float>({3, 4}, {0, 0, 0, 0, 0, 0, 0, 0, 10, 10, 12, 12});
  // Opset 10 widens the empty rois to one pixel; the third lies beyond the map: zero.
  expect_tensor<float>(OpRunner("RoiAlign", 10).attr("sampling_ratio", 1).run1({two_images, rois, ints({1, 0, 0})}),
                       {3, 1, 1, 1}, {7, 3, 0});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("RoiAlign", 16).run1({two_images, rois, ints({0, 2, 0})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("RoiAlign", 16).run1({two_images, rois, ints({0})}); });
  expect_error(ErrorKind::Unsupported, [&] {
    OpRunner("RoiAlign", 16).attr("mode", "sum").run1({two_images, rois, ints({0, 0, 0})});
  });
}

namespace {

const Tensor kSquare = make<float>({1, 1, 2, 2}, {1, 2, 3, 4});
const Tensor kRow = make<float>({1, 1, 1, 3}, {1, 2, 3});

Tensor grid(std::vector<float> xy) { return make<float>({1, 1, static_cast<int64_t>(xy.size() / 2), 2}, xy); }

Tensor sample(const Tensor& x, const Tensor& g, const char* mode, const char* padding, int64_t align) {
  return OpRunner("GridSample", 16)
      .attr("mode", mode)
      .attr("padding_mode", padding)
      .attr("align_corners", align)
      .run1({x, g});
}

}  // namespace

TEST(GridSample, BilinearCornersAndCentre) {
  expect_tensor<float>(sample(kSquare, grid({-1, -1, 0, 0, 1, 1, 1, -1}), "bilinear", "zeros", 1), {1, 1, 1, 4},
                       {1, 2.5f, 4, 2});
  // Without align_corners, -1 is the outer edge (-0.5): zeros padding halves each axis.
  expect_tensor<float>(sample(kSquare, grid({-1, -1}), "bilinear", "zeros", 0), {1, 1, 1, 1}, {0.25f});
  expect_tensor<float>(sample(kSquare, grid({-1, -1}), "bilinear", "border", 0), {1, 1, 1, 1}, {1});
  expect_tensor<float>(sample(kSquare, grid({-1, -1}), "bilinear", "reflection", 0), {1, 1, 1, 1}, {1});
}

TEST(GridSample, NearestRoundsHalfToEven) {
  // x = y = 0.5 rounds to 0; the grid point 0.5 lands on pixel 1 exactly.
  expect_tensor<float>(sample(kSquare, grid({0, 0, 0.5f, 0.5f, 0.5f, -1}), "nearest", "zeros", 0), {1, 1, 1, 3},
                       {1, 4, 2});
}

TEST(GridSample, PaddingModesFarOutside) {
  // align_corners over 3 pixels: grid 2 is pixel 3, grid 3 is pixel 4.
  const Tensor g = grid({2, -1, 3, -1});
  expect_tensor<float>(sample(kRow, g, "bilinear", "zeros", 1), {1, 1, 1, 2}, {0, 0});
  expect_tensor<float>(sample(kRow, g, "bilinear", "border", 1), {1, 1, 1, 2}, {3, 3});
  // Mirrored at pixel 2: 3 -> 1; 4 -> 0.
  expect_tensor<float>(sample(kRow, g, "bilinear", "reflection", 1), {1, 1, 1, 2}, {2, 1});
}

TEST(GridSample, BicubicIsExactOnPixelsAndUsesKeysWeights) {
  const Tensor x = make<double>({1, 1, 1, 4}, {0, 0, 4, 0});
  // align_corners over 4 pixels: grid 1/3 is pixel 2, grid 0 is pixel 1.5, where the
  // weights are -0.09375, 0.59375, 0.59375, -0.09375.
  const Tensor g = make<double>({1, 1, 2, 2}, {1.0 / 3, -1, 0, -1});
  expect_tensor<double>(sample(x, g, "bicubic", "zeros", 1), {1, 1, 1, 2}, {4, 2.375});
}

TEST(GridSample, NonFiniteGridAndBadShapes) {
  const Tensor y = sample(kSquare, grid({std::numeric_limits<float>::quiet_NaN(), 0}), "bilinear", "zeros", 0);
  EXPECT_TRUE(std::isnan(values<float>(y)[0]));
  expect_error(ErrorKind::BadInput, [&] {
    sample(kSquare, make<float>({2, 1, 1, 2}, {0, 0, 0, 0}), "bilinear", "zeros", 0);
  });
  expect_error(ErrorKind::BadInput, [&] {
    sample(kSquare, make<float>({1, 1, 1, 3}, {0, 0, 0}), "bilinear", "zeros", 0);
  });
  expect_error(ErrorKind::Unsupported, [&] {
    sample(make<float>({1, 1, 1}, {0}), grid({0, 0}), "bilinear", "zeros", 0);
  });
  expect_error(ErrorKind::Unsupported, [&] { sample(kSquare, grid({0, 0}), "area", "zeros", 0); });
}

}  // namespace vigil::testing

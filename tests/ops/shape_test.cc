// SPDX-License-Identifier: Apache-2.0
// Shape operators: Reshape, Flatten, Squeeze, Unsqueeze, Shape, Size, Expand, with the
// attribute-versus-input differences between opsets and bad shapes.
#include "ops/op_test_util.h"

namespace vigil::testing {

TEST(ShapeOps, ReshapeCopiesZeroAndInfersMinusOne) {
  const Tensor x = make<float>({2, 3, 4}, std::vector<float>(24, 1.0f));
  EXPECT_EQ(OpRunner("Reshape").run1({x, ints({0, -1})}).shape(), (Shape{2, 12}));
  EXPECT_EQ(OpRunner("Reshape", 1).attr("shape", {4, 0, -1}).run1({x}).shape(), (Shape{4, 3, 2}));
}

TEST(ShapeOps, ReshapeAllowZeroKeepsZero) {
  const Tensor x = make<float>({0, 3}, {});
  EXPECT_EQ(OpRunner("Reshape", 14).attr("allowzero", 1).run1({x, ints({3, 0})}).shape(), (Shape{3, 0}));
}

TEST(ShapeOps, ReshapeRejectsBadShapes) {
  const Tensor x = make<int32_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Reshape").run1({x, ints({4, -1})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Reshape").run1({x, ints({-1, -1})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Reshape").run1({x, ints({5})}); });
}

TEST(ShapeOps, FlattenAxes) {
  const Tensor x = make<uint8_t>({2, 3, 4}, std::vector<uint8_t>(24, 7));
  EXPECT_EQ(OpRunner("Flatten").attr("axis", 0).run1({x}).shape(), (Shape{1, 24}));
  EXPECT_EQ(OpRunner("Flatten").attr("axis", -1).run1({x}).shape(), (Shape{6, 4}));
  EXPECT_EQ(OpRunner("Flatten").attr("axis", 3).run1({x}).shape(), (Shape{24, 1}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Flatten").attr("axis", 4).run1({x}); });
}

TEST(ShapeOps, SqueezeAttributeAndInput) {
  const Tensor x = make<float>({1, 3, 1}, {1, 2, 3});
  EXPECT_EQ(OpRunner("Squeeze").run1({x}).shape(), (Shape{3}));
  EXPECT_EQ(OpRunner("Squeeze", 11).attr("axes", {-1}).run1({x}).shape(), (Shape{1, 3}));
  EXPECT_EQ(OpRunner("Squeeze", 13).run1({x, ints({0})}).shape(), (Shape{3, 1}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Squeeze", 13).run1({x, ints({1})}); });
}

TEST(ShapeOps, UnsqueezeAttributeAndInput) {
  const Tensor x = make<bool>({2}, {true, false});
  EXPECT_EQ(OpRunner("Unsqueeze", 11).attr("axes", {0, 2}).run1({x}).shape(), (Shape{1, 2, 1}));
  const Tensor y = OpRunner("Unsqueeze", 13).run1({x, ints({-1, 0})});
  expect_tensor<bool>(y, {1, 2, 1}, {true, false});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Unsqueeze", 13).run1({x, ints({0, 0})}); });
}

TEST(ShapeOps, ShapeStartEndAndSize) {
  const Tensor x = make<double>({2, 3, 4, 5}, std::vector<double>(120));
  expect_tensor<int64_t>(OpRunner("Shape").run1({x}), {4}, {2, 3, 4, 5});
  expect_tensor<int64_t>(OpRunner("Shape", 15).attr("start", 1).attr("end", -1).run1({x}), {2}, {3, 4});
  expect_tensor<int64_t>(OpRunner("Shape", 15).attr("start", -10).attr("end", 1).run1({x}), {1}, {2});
  expect_tensor<int64_t>(OpRunner("Shape", 15).attr("start", 3).attr("end", 1).run1({x}), {0}, {});
  expect_tensor<int64_t>(OpRunner("Size").run1({x}), {}, {120});
}

TEST(ShapeOps, ExpandBroadcastsBothWays) {
  const Tensor x = make<int64_t>({3, 1}, {1, 2, 3});
  expect_tensor<int64_t>(OpRunner("Expand").run1({x, ints({2, 1, 2})}), {2, 3, 2},
                         {1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3});
  // A target smaller than the input keeps the input's dimensions.
  EXPECT_EQ(OpRunner("Expand").run1({x, ints({1})}).shape(), (Shape{3, 1}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Expand").run1({x, ints({2, 2})}); });
}

}  // namespace vigil::testing

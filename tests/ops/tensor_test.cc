// SPDX-License-Identifier: Apache-2.0
// Tensor operators: Concat, Split, Slice, Transpose, Tile, Pad, DepthToSpace,
// SpaceToDepth, ReverseSequence, Compress.
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {

TEST(TensorOps, ConcatNegativeAxisAndMismatch) {
  const Tensor a = make<int32_t>({2, 1}, {1, 2});
  const Tensor b = make<int32_t>({2, 2}, {3, 4, 5, 6});
  expect_tensor<int32_t>(OpRunner("Concat").attr("axis", -1).run1({a, b}), {2, 3}, {1, 3, 4, 2, 5, 6});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Concat").attr("axis", 0).run1({a, b}); });
}

TEST(TensorOps, SplitSizesFromAttributeInputOrEqual) {
  const Tensor x = make<float>({5}, {1, 2, 3, 4, 5});
  auto parts = OpRunner("Split", 11).attr("split", {2, 3}).run({x}, 2);
  expect_tensor<float>(parts[1], {3}, {3, 4, 5});
  parts = OpRunner("Split", 13).run({x, ints({4, 0, 1})}, 3);
  expect_tensor<float>(parts[1], {0}, {});
  expect_tensor<float>(parts[2], {1}, {5});
  // Without sizes the parts are ceil(5 / 3) = 2 long, the last one shorter.
  parts = OpRunner("Split", 13).run({x}, 3);
  expect_tensor<float>(parts[2], {1}, {5});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Split", 13).run({x, ints({1, 1})}, 2); });
}

TEST(TensorOps, SliceNegativeStepsAndClampedBounds) {
  const Tensor x = make<int64_t>({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({big}), ints({small}), ints({1}), ints({-2})}), {2, 2},
                         {3, 1, 7, 5});
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({-1, 1}), ints({big, 100}), Tensor(), Tensor()}), {1, 3},
                         {5, 6, 7});
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({3}), ints({1}), ints({1}), Tensor()}), {2, 0}, {});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Slice").run1({x, ints({0}), ints({1}), ints({0}), ints({0})}); });
  // Extreme steps take one element of a non-empty span, as the definition gives.
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({big}), ints({small}), ints({1}), ints({small})}), {2, 1},
                         {3, 7});
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({1}), ints({big}), ints({1}), ints({big})}), {2, 1}, {1, 5});
  expect_tensor<int64_t>(OpRunner("Slice").run1({x, ints({-1}), ints({small}), ints({0}), ints({small})}), {1, 4},
                         {4, 5, 6, 7});
}

TEST(TensorOps, SliceOpset1Attributes) {
  const Tensor x = make<int64_t>({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  expect_tensor<int64_t>(OpRunner("Slice", 1).attr("starts", {1}).attr("ends", {3}).attr("axes", {1}).run1({x}), {2, 2},
                         {1, 2, 5, 6});
}

TEST(TensorOps, TransposeDefaultAndBadPerm) {
  const Tensor x = make<uint16_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_tensor<uint16_t>(OpRunner("Transpose").run1({x}), {3, 2}, {1, 4, 2, 5, 3, 6});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Transpose").attr("perm", {0, 0}).run1({x}); });
}

TEST(TensorOps, Tile) {
  const Tensor x = make<int8_t>({2, 1}, {1, 2});
  expect_tensor<int8_t>(OpRunner("Tile").run1({x, ints({2, 3})}), {4, 3}, {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2});
}

TEST(TensorOps, PadModes) {
  const Tensor x = make<float>({1, 3}, {1, 2, 3});
  expect_tensor<float>(OpRunner("Pad").attr("mode", "reflect").run1({x, ints({0, 2, 0, 2})}), {1, 7},
                       {3, 2, 1, 2, 3, 2, 1});
  expect_tensor<float>(OpRunner("Pad").attr("mode", "edge").run1({x, ints({0, 1, 0, 2})}), {1, 6}, {1, 1, 2, 3, 3, 3});
  expect_tensor<float>(OpRunner("Pad").run1({x, ints({1, -1, 0, 1}), make<float>({}, {9})}), {2, 3},
                       {9, 9, 9, 2, 3, 9});
  expect_tensor<float>(OpRunner("Pad", 2).attr("pads", {0, 1, 0, 0}).attr("value", 5.0f).run1({x}), {1, 4},
                       {5, 1, 2, 3});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Pad").run1({x, ints({0, 1})}); });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Pad").attr("mode", "wrap").run1({x, ints({0, 0, 0, 0})}); });
  // Pads beyond int64 or beyond the memory budget are one error; an empty result lists no
  // source indices, however wide its other axes.
  constexpr int64_t kHuge = int64_t{1} << 40;
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Pad").run1({x, ints({0, INT64_MAX, 0, 1})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Pad").run1({x, ints({0, kHuge, 0, 0})}); });
  EXPECT_EQ(OpRunner("Pad").run1({x, ints({0, kHuge, -1, 0})}).shape(), (Shape{0, kHuge + 3}));
}

TEST(TensorOps, DepthToSpaceModesAndSpaceToDepthInverse) {
  std::vector<int32_t> values(8);
  for (int i = 0; i < 8; ++i) values[i] = i;
  const Tensor x = make<int32_t>({1, 8, 1, 1}, values);
  expect_tensor<int32_t>(OpRunner("DepthToSpace").attr("blocksize", 2).run1({x}), {1, 2, 2, 2},
                         {0, 2, 4, 6, 1, 3, 5, 7});
  expect_tensor<int32_t>(OpRunner("DepthToSpace").attr("blocksize", 2).attr("mode", "CRD").run1({x}), {1, 2, 2, 2},
                         {0, 1, 2, 3, 4, 5, 6, 7});
  const Tensor space = OpRunner("DepthToSpace").attr("blocksize", 2).run1({x});
  expect_tensor<int32_t>(OpRunner("SpaceToDepth").attr("blocksize", 2).run1({space}), {1, 8, 1, 1}, values);
  expect_error(ErrorKind::BadInput, [&] { OpRunner("DepthToSpace").attr("blocksize", 3).run1({x}); });
}

TEST(TensorOps, ReverseSequence) {
  // time_axis 0, batch_axis 1: column b has its first lens[b] rows reversed.
  const Tensor x = make<float>({3, 2}, {1, 2, 3, 4, 5, 6});
  expect_tensor<float>(OpRunner("ReverseSequence").run1({x, ints({3, 2})}), {3, 2}, {5, 4, 3, 2, 1, 6});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("ReverseSequence").run1({x, ints({4, 1})}); });
}

TEST(TensorOps, CompressWithAndWithoutAxis) {
  const Tensor x = make<int32_t>({2, 2}, {1, 2, 3, 4});
  expect_tensor<int32_t>(OpRunner("Compress").run1({x, make<bool>({3}, {false, true, true})}), {2}, {2, 3});
  expect_tensor<int32_t>(OpRunner("Compress").attr("axis", 1).run1({x, make<bool>({1}, {true})}), {2, 1}, {1, 3});
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("Compress").attr("axis", 0).run1({x, make<bool>({3}, {true, true, true})});
  });
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Ordering operators: TopK (ties, smallest, opset 1 attribute), NonZero, Unique (all
// outputs, sorted and not, with an axis), CumSum (exclusive, reverse), Trilu.
#include "ops/op_test_util.h"

namespace vigil::testing {

TEST(OrderingOps, TopKTiesGoToLowerIndex) {
  const Tensor x = make<float>({1, 5}, {3, 1, 3, 2, 1});
  auto out = OpRunner("TopK").run({x, ints({3})}, 2);
  expect_tensor<float>(out[0], {1, 3}, {3, 3, 2});
  expect_tensor<int64_t>(out[1], {1, 3}, {0, 2, 3});
  out = OpRunner("TopK").attr("largest", 0).run({x, ints({2})}, 2);
  expect_tensor<float>(out[0], {1, 2}, {1, 1});
  expect_tensor<int64_t>(out[1], {1, 2}, {1, 4});
  out = OpRunner("TopK", 1).attr("k", 1).attr("axis", 0).run({x}, 2);
  expect_tensor<int64_t>(out[1], {1, 5}, {0, 0, 0, 0, 0});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("TopK").run({x, ints({6})}, 2); });
}

TEST(OrderingOps, NonZero) {
  expect_tensor<int64_t>(OpRunner("NonZero").run1({make<int32_t>({2, 2}, {1, 0, 0, 3})}), {2, 2}, {0, 1, 0, 1});
  expect_tensor<int64_t>(OpRunner("NonZero").run1({make<bool>({3}, {false, false, false})}), {1, 0}, {});
}

TEST(OrderingOps, UniqueAllOutputs) {
  const Tensor x = make<int32_t>({6}, {2, 1, 1, 3, 4, 3});
  auto out = OpRunner("Unique").attr("sorted", 0).run({x}, 4);
  expect_tensor<int32_t>(out[0], {4}, {2, 1, 3, 4});
  expect_tensor<int64_t>(out[1], {4}, {0, 1, 3, 4});
  expect_tensor<int64_t>(out[2], {6}, {0, 1, 1, 2, 3, 2});
  expect_tensor<int64_t>(out[3], {4}, {1, 2, 2, 1});
  out = OpRunner("Unique").run({x}, 4);
  expect_tensor<int32_t>(out[0], {4}, {1, 2, 3, 4});
  expect_tensor<int64_t>(out[1], {4}, {1, 0, 3, 4});
  expect_tensor<int64_t>(out[2], {6}, {1, 0, 0, 2, 3, 2});
}

TEST(OrderingOps, UniqueAlongAxis) {
  const Tensor x = make<float>({2, 3}, {1, 0, 1, 2, 5, 2});
  auto out = OpRunner("Unique").attr("axis", 1).run({x}, 4);
  expect_tensor<float>(out[0], {2, 2}, {0, 1, 5, 2});
  expect_tensor<int64_t>(out[2], {3}, {1, 0, 1});
  expect_tensor<int64_t>(out[3], {2}, {1, 2});
}

TEST(OrderingOps, CumSumModes) {
  const Tensor x = make<int32_t>({4}, {1, 2, 3, 4});
  const Tensor axis = make<int32_t>({}, {0});
  expect_tensor<int32_t>(OpRunner("CumSum").run1({x, axis}), {4}, {1, 3, 6, 10});
  expect_tensor<int32_t>(OpRunner("CumSum").attr("exclusive", 1).run1({x, axis}), {4}, {0, 1, 3, 6});
  expect_tensor<int32_t>(OpRunner("CumSum").attr("reverse", 1).run1({x, axis}), {4}, {10, 9, 7, 4});
  expect_tensor<int32_t>(OpRunner("CumSum").attr("reverse", 1).attr("exclusive", 1).run1({x, axis}), {4}, {9, 7, 4, 0});
  const Tensor m = make<double>({2, 2}, {1, 2, 3, 4});
  expect_tensor<double>(OpRunner("CumSum").run1({m, make<int64_t>({1}, {-1})}), {2, 2}, {1, 3, 3, 7});
}

TEST(OrderingOps, Trilu) {
  const Tensor x = make<int64_t>({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  expect_tensor<int64_t>(OpRunner("Trilu").run1({x}), {3, 3}, {1, 2, 3, 0, 5, 6, 0, 0, 9});
  expect_tensor<int64_t>(OpRunner("Trilu").attr("upper", 0).run1({x, make<int64_t>({}, {-1})}), {3, 3},
                         {0, 0, 0, 4, 0, 0, 7, 8, 0});
  expect_tensor<int64_t>(OpRunner("Trilu").run1({x, make<int64_t>({}, {1})}), {3, 3}, {0, 2, 3, 0, 0, 6, 0, 0, 0});
}

}  // namespace vigil::testing

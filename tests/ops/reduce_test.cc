// SPDX-License-Identifier: Apache-2.0
// Reductions: axes as attribute or input per opset, keepdims, noop_with_empty_axes,
// empty reductions, numeric stability of LogSumExp, and ArgMax/ArgMin.
#include <cmath>
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {

namespace {
const Tensor kMatrix = make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
}

TEST(ReduceOps, AxesAttributeBeforeOpset13InputAfter) {
  expect_tensor<float>(OpRunner("ReduceSum", 11).attr("axes", {1}).run1({kMatrix}), {2, 1}, {6, 15});
  expect_tensor<float>(OpRunner("ReduceSum", 13).attr("keepdims", 0).run1({kMatrix, ints({-2})}), {3}, {5, 7, 9});
  expect_tensor<float>(OpRunner("ReduceSum", 13).run1({kMatrix, ints({})}), {1, 1}, {21});
  expect_tensor<float>(OpRunner("ReduceSum", 13).attr("noop_with_empty_axes", 1).run1({kMatrix, ints({})}), {2, 3},
                       {1, 2, 3, 4, 5, 6});
  expect_error(ErrorKind::BadInput, [] { OpRunner("ReduceSum", 13).run1({kMatrix, ints({2})}); });
}

TEST(ReduceOps, EveryKind) {
  auto run = [](const char* op) { return OpRunner(op).attr("axes", {1}).attr("keepdims", 0).run1({kMatrix}); };
  expect_tensor<float>(run("ReduceMean"), {2}, {2, 5});
  expect_tensor<float>(run("ReduceMax"), {2}, {3, 6});
  expect_tensor<float>(run("ReduceMin"), {2}, {1, 4});
  expect_tensor<float>(run("ReduceProd"), {2}, {6, 120});
  expect_tensor<float>(run("ReduceL1"), {2}, {6, 15});
  expect_tensor<float>(run("ReduceL2"), {2}, {std::sqrt(14.0f), std::sqrt(77.0f)});
  expect_tensor<float>(run("ReduceSumSquare"), {2}, {14, 77});
  expect_tensor<float>(run("ReduceLogSum"), {2}, {std::log(6.0f), std::log(15.0f)});
  expect_tensor<float>(run("ReduceLogSumExp"), {2},
                       {std::log(std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f)),
                        std::log(std::exp(4.0f) + std::exp(5.0f) + std::exp(6.0f))});
}

TEST(ReduceOps, LogSumExpOfLargeValuesIsFinite) {
  const Tensor x = make<float>({2}, {1000, 1000});
  expect_tensor<float>(OpRunner("ReduceLogSumExp").run1({x}), {1}, {1000 + std::log(2.0f)});
}

TEST(ReduceOps, IntegersAndEmptyReductions) {
  expect_tensor<int32_t>(OpRunner("ReduceL1").run1({make<int32_t>({3}, {-1, 2, -3})}), {1}, {6});
  const Tensor empty = make<float>({2, 0}, {});
  expect_tensor<float>(OpRunner("ReduceSum", 13).run1({empty, ints({1})}), {2, 1}, {0, 0});
  expect_tensor<float>(OpRunner("ReduceProd").attr("axes", {1}).run1({empty}), {2, 1}, {1, 1});
  const Tensor min = OpRunner("ReduceMin").attr("axes", {1}).run1({empty});
  EXPECT_EQ(min.data<float>()[0], std::numeric_limits<float>::infinity());
}

TEST(ReduceOps, ArgMaxArgMin) {
  const Tensor x = make<int64_t>({2, 3}, {5, 1, 5, 0, 0, -1});
  expect_tensor<int64_t>(OpRunner("ArgMax").attr("axis", 1).run1({x}), {2, 1}, {0, 0});
  expect_tensor<int64_t>(OpRunner("ArgMax").attr("axis", 1).attr("select_last_index", 1).run1({x}), {2, 1}, {2, 1});
  expect_tensor<int64_t>(OpRunner("ArgMin").attr("keepdims", 0).run1({x}), {3}, {1, 1, 1});
  expect_tensor<int64_t>(OpRunner("ArgMin").attr("axis", -1).attr("keepdims", 0).run1({x}), {2}, {1, 2});
  expect_error(ErrorKind::BadInput, [] { OpRunner("ArgMax").run1({make<float>({0}, {})}); });
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Variadic operators: Sum, Mean, Max, Min over 1..N broadcast inputs, and Where.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(VariadicOps, SumAndMeanBroadcast) {
  const Tensor a = Tensor::from_vector<float>({2, 2}, {1, 2, 3, 4});
  const Tensor b = Tensor::from_vector<float>({2}, {10, 20});
  const Tensor c = Tensor::from_vector<float>({2, 1}, {100, 200});
  const Tensor sum = OpRunner("Sum").run1({a, b, c});
  EXPECT_EQ(sum.shape(), (Shape{2, 2}));
  EXPECT_EQ(values<float>(sum), (std::vector<float>{111, 122, 213, 224}));
  // The output can be wider than every input but the last ones.
  const Tensor wide = OpRunner("Sum").run1({c, b, Tensor::scalar<float>(1)});
  EXPECT_EQ(values<float>(wide), (std::vector<float>{111, 121, 211, 221}));
  EXPECT_EQ(values<float>(OpRunner("Mean").run1({a, b, c})), (std::vector<float>{37, 122.0f / 3, 71, 224.0f / 3}));
  EXPECT_EQ(values<float>(OpRunner("Mean").run1({a})), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(values<float>(OpRunner("Sum").run1({a})), (std::vector<float>{1, 2, 3, 4}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Sum").run1({a, Tensor(DType::Float32, {3})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Sum").run1({a, Tensor::scalar<double>(1)}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Sum").run1({}); });
}

TEST(VariadicOps, MaxMinPropagateNaN) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor a = Tensor::from_vector<float>({3}, {1, nan, 5});
  const Tensor b = Tensor::from_vector<float>({3}, {nan, 2, 3});
  const std::vector<float> max = values<float>(OpRunner("Max").run1({a, b}));
  EXPECT_TRUE(std::isnan(max[0]));
  EXPECT_TRUE(std::isnan(max[1]));
  EXPECT_EQ(max[2], 5);
  EXPECT_EQ(values<float>(OpRunner("Min").run1({a, b}))[2], 3);
  const Tensor i = Tensor::from_vector<int64_t>({3}, {-1, 7, 2});
  EXPECT_EQ(values<int64_t>(OpRunner("Min").run1({i, Tensor::scalar<int64_t>(0)})), (std::vector<int64_t>{-1, 0, 0}));
  EXPECT_EQ(values<int64_t>(OpRunner("Max").run1({i, Tensor::scalar<int64_t>(0)})), (std::vector<int64_t>{0, 7, 2}));
  const Tensor h = Tensor::from_vector<Half>({2}, {Half(1.5f), Half(-2.0f)});
  const Tensor hmax = OpRunner("Max").run1({h, Tensor::scalar<Half>(Half(0.0f))});
  ASSERT_EQ(hmax.dtype(), DType::Float16);
  EXPECT_EQ(static_cast<float>(hmax.data<Half>()[0]), 1.5f);
  EXPECT_EQ(static_cast<float>(hmax.data<Half>()[1]), 0.0f);
}

TEST(VariadicOps, WhereBroadcastsAllThree) {
  const Tensor condition = Tensor::from_vector<bool>({2, 1}, {true, false});
  const Tensor x = Tensor::from_vector<int32_t>({3}, {1, 2, 3});
  const Tensor y = Tensor::scalar<int32_t>(-1);
  const Tensor out = OpRunner("Where").run1({condition, x, y});
  EXPECT_EQ(out.shape(), (Shape{2, 3}));
  EXPECT_EQ(values<int32_t>(out), (std::vector<int32_t>{1, 2, 3, -1, -1, -1}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Where").run1({x, x, y}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Where").run1({condition, x, Tensor::scalar<int64_t>(0)}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Where").run1({Tensor(DType::Bool, {4}), x, y}); });
}

}  // namespace
}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Unary elementwise operators: attributes and defaults, numerically delicate inputs,
// integer and float16 paths, Clip's two forms and Dropout's modes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Tensor floats(std::vector<float> v) { return Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v); }

TEST(UnaryOps, RoundHalvesToEven) {
  expect_near(OpRunner("Round").run1({floats({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f})}), {0, 2, 2, 0, -2, 2, -3});
}

TEST(UnaryOps, ActivationsWithAttributes) {
  const Tensor x = floats({-2, -0.5f, 0, 1, 3});
  expect_near(OpRunner("LeakyRelu").attr("alpha", 0.1f).run1({x}), {-0.2f, -0.05f, 0, 1, 3});
  expect_near(OpRunner("LeakyRelu").run1({x}), {-0.02f, -0.005f, 0, 1, 3});
  expect_near(OpRunner("Elu").attr("alpha", 2.0f).run1({x}), {2 * std::expm1(-2.0f), 2 * std::expm1(-0.5f), 0, 1, 3});
  expect_near(OpRunner("Celu").attr("alpha", 2.0f).run1({x}), {2 * std::expm1(-1.0f), 2 * std::expm1(-0.25f), 0, 1, 3});
  expect_near(OpRunner("Selu").attr("alpha", 2.0f).attr("gamma", 3.0f).run1({x}),
              {6 * std::expm1(-2.0f), 6 * std::expm1(-0.5f), 0, 3, 9});
  expect_near(OpRunner("HardSigmoid").attr("alpha", 0.5f).attr("beta", 0.25f).run1({x}), {0, 0, 0.25f, 0.75f, 1});
  expect_near(OpRunner("HardSwish").run1({x}),
              {-2 * (1.0f / 6), -0.5f * (0.5f - 0.5f / 6), 0, 1 * (0.5f + 1.0f / 6), 3});
  expect_near(OpRunner("ThresholdedRelu").attr("alpha", 0.9f).run1({x}), {0, 0, 0, 1, 3});
  expect_near(OpRunner("Shrink").attr("bias", 0.5f).attr("lambd", 1.0f).run1({x}), {-1.5f, 0, 0, 0, 2.5f});
}

TEST(UnaryOps, IntegerNegationWrapsAsNumpyDoes) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  const Tensor x = Tensor::from_vector<int64_t>({3}, {kMin, -5, 7});
  EXPECT_EQ(OpRunner("Neg").run1({x}).to_int64_vector(), (std::vector<int64_t>{kMin, 5, -7}));
  EXPECT_EQ(OpRunner("Abs").run1({x}).to_int64_vector(), (std::vector<int64_t>{kMin, 5, 7}));
}

TEST(UnaryOps, NoOverflowAtExtremes) {
  const Tensor x = floats({-1000, 1000});
  expect_near(OpRunner("Sigmoid").run1({x}), {0, 1});
  expect_near(OpRunner("Softplus").run1({x}), {0, 1000});
  expect_near(OpRunner("Softsign").run1({x}), {-1000.0f / 1001, 1000.0f / 1001});
}

TEST(UnaryOps, Predicates) {
  const Tensor x = floats({-kInf, kInf, kNaN, 1});
  EXPECT_EQ(values<bool>(OpRunner("IsInf").run1({x})), (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(values<bool>(OpRunner("IsInf").attr("detect_negative", 0).run1({x})),
            (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(values<bool>(OpRunner("IsInf").attr("detect_positive", 0).run1({x})),
            (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(values<bool>(OpRunner("IsNaN").run1({x})), (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(values<bool>(OpRunner("Not").run1({Tensor::from_vector<bool>({2}, {true, false})})),
            (std::vector<bool>{false, true}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Not").run1({x}); });
}

TEST(UnaryOps, IntegerInputs) {
  const Tensor x = Tensor::from_vector<int32_t>({4}, {-5, 0, 7, -1});
  EXPECT_EQ(values<int32_t>(OpRunner("Abs").run1({x})), (std::vector<int32_t>{5, 0, 7, 1}));
  EXPECT_EQ(values<int32_t>(OpRunner("Neg").run1({x})), (std::vector<int32_t>{5, 0, -7, 1}));
  EXPECT_EQ(values<int32_t>(OpRunner("Sign").run1({x})), (std::vector<int32_t>{-1, 0, 1, -1}));
  EXPECT_EQ(values<int32_t>(OpRunner("Relu").run1({x})), (std::vector<int32_t>{0, 0, 7, 0}));
  EXPECT_EQ(values<uint8_t>(OpRunner("Abs").run1({Tensor::from_vector<uint8_t>({2}, {200, 3})})),
            (std::vector<uint8_t>{200, 3}));
  // Functions of the float types only are unsupported on integers, not wrong.
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Exp").run1({x}); });
  expect_near(OpRunner("Sign").run1({floats({-0.5f, 0, kNaN})}), {-1, 0, kNaN});
}

TEST(UnaryOps, Float16ComputesInFloat) {
  const Tensor x = Tensor::from_vector<Half>({3}, {Half(-1.5f), Half(0.25f), Half(2.0f)});
  const Tensor y = OpRunner("Relu").run1({x});
  ASSERT_EQ(y.dtype(), DType::Float16);
  EXPECT_EQ(static_cast<float>(y.data<Half>()[0]), 0.0f);
  EXPECT_EQ(static_cast<float>(y.data<Half>()[1]), 0.25f);
  EXPECT_EQ(static_cast<float>(OpRunner("Sqrt").run1({x}).data<Half>()[2]), static_cast<float>(Half(std::sqrt(2.0f))));
}

TEST(UnaryOps, ClipAttributesBeforeOpset11) {
  const Tensor x = floats({-3, 0.5f, 4});
  expect_near(OpRunner("Clip", 6).attr("min", -1.0f).attr("max", 1.0f).run1({x}), {-1, 0.5f, 1});
  expect_near(OpRunner("Clip", 6).attr("max", 0.0f).run1({x}), {-3, 0, 0});
}

TEST(UnaryOps, ClipInputsFromOpset11) {
  const Tensor x = floats({-3, 0.5f, 4, -kInf});
  expect_near(OpRunner("Clip", 13).run1({x, Tensor::scalar<float>(-1)}), {-1, 0.5f, 4, -1});
  expect_near(OpRunner("Clip", 13).run1({x, Tensor(), Tensor::scalar<float>(1)}), {-3, 0.5f, 1, -kInf});
  // min > max: everything becomes max.
  expect_near(OpRunner("Clip", 13).run1({x, Tensor::scalar<float>(2), Tensor::scalar<float>(1)}), {1, 1, 1, 1});
  const Tensor int8s = Tensor::from_vector<int8_t>({3}, {-128, 5, 127});
  EXPECT_EQ(values<int8_t>(OpRunner("Clip", 13).run1({int8s, Tensor::scalar<int8_t>(0)})),
            (std::vector<int8_t>{0, 5, 127}));
  EXPECT_EQ(values<int8_t>(OpRunner("Clip", 13).run1({int8s})), (std::vector<int8_t>{-128, 5, 127}));
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Clip", 13).run1({x, floats({0, 1})}); });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Clip", 13).run1({x, Tensor::scalar<double>(0)}); });
}

TEST(UnaryOps, DropoutAtInference) {
  const Tensor x = floats({1, 2, 3});
  std::vector<Tensor> out = OpRunner("Dropout", 10).attr("ratio", 0.3f).run({x}, 2);
  expect_near(out[0], {1, 2, 3});
  EXPECT_EQ(values<bool>(out[1]), (std::vector<bool>{true, true, true}));
  // Before opset 10 the mask has the input's type.
  out = OpRunner("Dropout", 7).run({x}, 2);
  expect_near(out[1], {1, 1, 1});
  // Opset 12: training with a nonzero ratio would be random.
  const Tensor training = Tensor::scalar<bool>(true);
  expect_error(ErrorKind::Unsupported, [&] {
    OpRunner("Dropout", 13).run({x, Tensor::scalar<float>(0.5f), training}, 2);
  });
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Dropout", 13).run({x, Tensor(), training}, 2); });
  out = OpRunner("Dropout", 13).run({x, Tensor::scalar<float>(0), training}, 2);
  expect_near(out[0], {1, 2, 3});
  out = OpRunner("Dropout", 13).run({x, Tensor::scalar<float>(0.5f), Tensor::scalar<bool>(false)});
  expect_near(out[0], {1, 2, 3});
}

}  // namespace
}  // namespace vigil::testing

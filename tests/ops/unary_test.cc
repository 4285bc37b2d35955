// Unary elementwise operators: attributes and defaults, numerically delicate inputs,
// integer and float16 paths, Clip's two forms and Dropout's modes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/elementwise_test_util.h"

namespace vigil {
namespace {

using testing::error_kind;
using testing::float_attribute;
using testing::int_attribute;
using testing::run_one;
using testing::run_op;
using testing::values;

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Tensor floats(std::vector<float> v) { return Tensor::from_vector<float>({static_cast<int64_t>(v.size())}, v); }

void expect_floats(const Tensor& t, const std::vector<float>& expected) {
  ASSERT_EQ(t.dtype(), DType::Float32);
  const std::vector<float> actual = values<float>(t);
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    if (std::isnan(expected[i])) {
      EXPECT_TRUE(std::isnan(actual[i])) << "element " << i;
    } else if (std::isinf(expected[i])) {
      EXPECT_EQ(actual[i], expected[i]) << "element " << i;
    } else {
      EXPECT_NEAR(actual[i], expected[i], 1e-5f * (1 + std::fabs(expected[i]))) << "element " << i;
    }
  }
}

TEST(UnaryOps, RoundHalvesToEven) {
  expect_floats(run_one({"Round"}, {floats({0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 2.4f, -2.6f})}),
                {0, 2, 2, 0, -2, 2, -3});
}

TEST(UnaryOps, ActivationsWithAttributes) {
  const Tensor x = floats({-2, -0.5f, 0, 1, 3});
  expect_floats(run_one({"LeakyRelu", {{"alpha", float_attribute(0.1f)}}}, {x}), {-0.2f, -0.05f, 0, 1, 3});
  expect_floats(run_one({"LeakyRelu"}, {x}), {-0.02f, -0.005f, 0, 1, 3});
  expect_floats(run_one({"Elu", {{"alpha", float_attribute(2)}}}, {x}),
                {2 * std::expm1(-2.0f), 2 * std::expm1(-0.5f), 0, 1, 3});
  expect_floats(run_one({"Celu", {{"alpha", float_attribute(2)}}}, {x}),
                {2 * std::expm1(-1.0f), 2 * std::expm1(-0.25f), 0, 1, 3});
  expect_floats(run_one({"Selu", {{"alpha", float_attribute(2)}, {"gamma", float_attribute(3)}}}, {x}),
                {6 * std::expm1(-2.0f), 6 * std::expm1(-0.5f), 0, 3, 9});
  expect_floats(run_one({"HardSigmoid", {{"alpha", float_attribute(0.5f)}, {"beta", float_attribute(0.25f)}}}, {x}),
                {0, 0, 0.25f, 0.75f, 1});
  expect_floats(run_one({"HardSwish"}, {x}), {-2 * (1.0f / 6), -0.5f * (0.5f - 0.5f / 6), 0, 1 * (0.5f + 1.0f / 6), 3});
  expect_floats(run_one({"ThresholdedRelu", {{"alpha", float_attribute(0.9f)}}}, {x}), {0, 0, 0, 1, 3});
  expect_floats(run_one({"Shrink", {{"bias", float_attribute(0.5f)}, {"lambd", float_attribute(1)}}}, {x}),
                {-1.5f, 0, 0, 0, 2.5f});
}

TEST(UnaryOps, NoOverflowAtExtremes) {
  const Tensor x = floats({-1000, 1000});
  expect_floats(run_one({"Sigmoid"}, {x}), {0, 1});
  expect_floats(run_one({"Softplus"}, {x}), {0, 1000});
  expect_floats(run_one({"Softsign"}, {x}), {-1000.0f / 1001, 1000.0f / 1001});
}

TEST(UnaryOps, Predicates) {
  const Tensor x = floats({-kInf, kInf, kNaN, 1});
  EXPECT_EQ(values<bool>(run_one({"IsInf"}, {x})), (std::vector<bool>{true, true, false, false}));
  EXPECT_EQ(values<bool>(run_one({"IsInf", {{"detect_negative", int_attribute(0)}}}, {x})),
            (std::vector<bool>{false, true, false, false}));
  EXPECT_EQ(values<bool>(run_one({"IsInf", {{"detect_positive", int_attribute(0)}}}, {x})),
            (std::vector<bool>{true, false, false, false}));
  EXPECT_EQ(values<bool>(run_one({"IsNaN"}, {x})), (std::vector<bool>{false, false, true, false}));
  EXPECT_EQ(values<bool>(run_one({"Not"}, {Tensor::from_vector<bool>({2}, {true, false})})),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(error_kind({"Not"}, {x}), ErrorKind::BadInput);
}

TEST(UnaryOps, IntegerInputs) {
  const Tensor x = Tensor::from_vector<int32_t>({4}, {-5, 0, 7, -1});
  EXPECT_EQ(values<int32_t>(run_one({"Abs"}, {x})), (std::vector<int32_t>{5, 0, 7, 1}));
  EXPECT_EQ(values<int32_t>(run_one({"Neg"}, {x})), (std::vector<int32_t>{5, 0, -7, 1}));
  EXPECT_EQ(values<int32_t>(run_one({"Sign"}, {x})), (std::vector<int32_t>{-1, 0, 1, -1}));
  EXPECT_EQ(values<int32_t>(run_one({"Relu"}, {x})), (std::vector<int32_t>{0, 0, 7, 0}));
  EXPECT_EQ(values<uint8_t>(run_one({"Abs"}, {Tensor::from_vector<uint8_t>({2}, {200, 3})})),
            (std::vector<uint8_t>{200, 3}));
  // Functions of the float types only are unsupported on integers, not wrong.
  EXPECT_EQ(error_kind({"Exp"}, {x}), ErrorKind::Unsupported);
  expect_floats(run_one({"Sign"}, {floats({-0.5f, 0, kNaN})}), {-1, 0, kNaN});
}

TEST(UnaryOps, Float16ComputesInFloat) {
  const Tensor x = Tensor::from_vector<Half>({3}, {Half(-1.5f), Half(0.25f), Half(2.0f)});
  const Tensor y = run_one({"Relu"}, {x});
  ASSERT_EQ(y.dtype(), DType::Float16);
  EXPECT_EQ(static_cast<float>(y.data<Half>()[0]), 0.0f);
  EXPECT_EQ(static_cast<float>(y.data<Half>()[1]), 0.25f);
  EXPECT_EQ(static_cast<float>(run_one({"Sqrt"}, {x}).data<Half>()[2]), static_cast<float>(Half(std::sqrt(2.0f))));
}

TEST(UnaryOps, ClipAttributesBeforeOpset11) {
  const Tensor x = floats({-3, 0.5f, 4});
  expect_floats(run_one({"Clip", {{"min", float_attribute(-1)}, {"max", float_attribute(1)}}, 6}, {x}), {-1, 0.5f, 1});
  expect_floats(run_one({"Clip", {{"max", float_attribute(0)}}, 6}, {x}), {-3, 0, 0});
}

TEST(UnaryOps, ClipInputsFromOpset11) {
  const Tensor x = floats({-3, 0.5f, 4, -kInf});
  expect_floats(run_one({"Clip", {}, 13}, {x, Tensor::scalar<float>(-1)}), {-1, 0.5f, 4, -1});
  expect_floats(run_one({"Clip", {}, 13}, {x, Tensor(), Tensor::scalar<float>(1)}), {-3, 0.5f, 1, -kInf});
  // min > max: everything becomes max.
  expect_floats(run_one({"Clip", {}, 13}, {x, Tensor::scalar<float>(2), Tensor::scalar<float>(1)}), {1, 1, 1, 1});
  const Tensor ints = Tensor::from_vector<int8_t>({3}, {-128, 5, 127});
  EXPECT_EQ(values<int8_t>(run_one({"Clip", {}, 13}, {ints, Tensor::scalar<int8_t>(0)})),
            (std::vector<int8_t>{0, 5, 127}));
  EXPECT_EQ(values<int8_t>(run_one({"Clip", {}, 13}, {ints})), (std::vector<int8_t>{-128, 5, 127}));
  EXPECT_EQ(error_kind({"Clip", {}, 13}, {x, floats({0, 1})}), ErrorKind::BadInput);
  EXPECT_EQ(error_kind({"Clip", {}, 13}, {x, Tensor::scalar<double>(0)}), ErrorKind::BadInput);
}

TEST(UnaryOps, DropoutAtInference) {
  const Tensor x = floats({1, 2, 3});
  std::vector<Tensor> out = run_op({"Dropout", {{"ratio", float_attribute(0.3f)}}, 10, 2}, {x});
  expect_floats(out[0], {1, 2, 3});
  EXPECT_EQ(values<bool>(out[1]), (std::vector<bool>{true, true, true}));
  // Before opset 10 the mask has the input's type.
  out = run_op({"Dropout", {}, 7, 2}, {x});
  expect_floats(out[1], {1, 1, 1});
  // Opset 12: training with a nonzero ratio would be random.
  const Tensor training = Tensor::scalar<bool>(true);
  EXPECT_EQ(error_kind({"Dropout", {}, 13, 2}, {x, Tensor::scalar<float>(0.5f), training}), ErrorKind::Unsupported);
  EXPECT_EQ(error_kind({"Dropout", {}, 13, 2}, {x, Tensor(), training}), ErrorKind::Unsupported);
  out = run_op({"Dropout", {}, 13, 2}, {x, Tensor::scalar<float>(0), training});
  expect_floats(out[0], {1, 2, 3});
  out = run_op({"Dropout", {}, 13, 1}, {x, Tensor::scalar<float>(0.5f), Tensor::scalar<bool>(false)});
  expect_floats(out[0], {1, 2, 3});
}

TEST(UnaryOps, IdentityKeepsTypeAndShape) {
  const Tensor x = Tensor::from_vector<int64_t>({2, 1}, {4, -4});
  const Tensor y = run_one({"Identity"}, {x});
  EXPECT_EQ(y.shape(), (Shape{2, 1}));
  EXPECT_EQ(values<int64_t>(y), (std::vector<int64_t>{4, -4}));
  EXPECT_EQ(error_kind({"Identity"}, {Tensor()}), ErrorKind::BadInput);
}

}  // namespace
}  // namespace vigil

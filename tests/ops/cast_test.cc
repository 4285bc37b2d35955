// SPDX-License-Identifier: Apache-2.0
// Cast and CastLike: C conversion semantics at the edges (truncation, bool, wrapping,
// float16 rounding), strings written and read as the ONNX reference (numpy) does.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

OpRunner cast_to(DType type) { return OpRunner("Cast").attr("to", static_cast<int64_t>(type)); }

TEST(CastOps, FloatToIntegerTruncates) {
  const Tensor x = Tensor::from_vector<float>({4}, {-2.7f, 2.7f, -0.5f, 100.9f});
  const Tensor y = cast_to(DType::Int32).run1({x});
  ASSERT_EQ(y.dtype(), DType::Int32);
  EXPECT_EQ(values<int32_t>(y), (std::vector<int32_t>{-2, 2, 0, 100}));
  EXPECT_EQ(values<uint8_t>(cast_to(DType::UInt8).run1({x}))[3], 100);
}

// C++ leaves these undefined; vigil saturates and maps NaN to 0.
TEST(CastOps, FloatsOutsideTheIntegerRangeSaturate) {
  const float inf = std::numeric_limits<float>::infinity();
  const Tensor x = Tensor::from_vector<float>({4}, {-inf, 1e30f, std::numeric_limits<float>::quiet_NaN(), -1e30f});
  EXPECT_EQ(values<uint64_t>(cast_to(DType::UInt64).run1({x})),
            (std::vector<uint64_t>{0, std::numeric_limits<uint64_t>::max(), 0, 0}));
  EXPECT_EQ(values<int32_t>(cast_to(DType::Int32).run1({x})),
            (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(), 0,
                                  std::numeric_limits<int32_t>::min()}));
}

TEST(CastOps, BoolConversions) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = Tensor::from_vector<float>({4}, {0.0f, -0.5f, nan, -0.0f});
  EXPECT_EQ(values<bool>(cast_to(DType::Bool).run1({x})), (std::vector<bool>{false, true, true, false}));
  const Tensor b = Tensor::from_vector<bool>({2}, {true, false});
  EXPECT_EQ(values<double>(cast_to(DType::Float64).run1({b})), (std::vector<double>{1, 0}));
  EXPECT_EQ(values<int64_t>(cast_to(DType::Int64).run1({b})), (std::vector<int64_t>{1, 0}));
}

TEST(CastOps, IntegerNarrowingWraps) {
  const Tensor x = Tensor::from_vector<int64_t>({3}, {300, -1, 65536 + 7});
  EXPECT_EQ(values<uint8_t>(cast_to(DType::UInt8).run1({x})), (std::vector<uint8_t>{44, 255, 7}));
  EXPECT_EQ(values<int16_t>(cast_to(DType::Int16).run1({x})), (std::vector<int16_t>{300, -1, 7}));
}

TEST(CastOps, HalfTypesRoundToNearestEven) {
  // 1 + 2^-11 lies halfway between two float16 values: it rounds to the even one, 1.
  const Tensor x = Tensor::from_vector<float>({3}, {1.0f + 1.0f / 2048, 65504.0f, 0.1f});
  const Tensor h = cast_to(DType::Float16).run1({x});
  ASSERT_EQ(h.dtype(), DType::Float16);
  const std::vector<float> back = values<float>(cast_to(DType::Float32).run1({h}));
  EXPECT_EQ(back[0], 1.0f);
  EXPECT_EQ(back[1], 65504.0f);
  EXPECT_NEAR(back[2], 0.1f, 1e-4f);
  const Tensor bf = cast_to(DType::BFloat16).run1({x});
  ASSERT_EQ(bf.dtype(), DType::BFloat16);
  EXPECT_EQ(static_cast<float>(bf.data<BFloat16>()[1]), 65536.0f);
  // Directly between the two 16-bit float types, and to an integer.
  const Tensor i = cast_to(DType::Int32).run1({cast_to(DType::Float16).run1({bf})});
  EXPECT_EQ(values<int32_t>(i)[0], 1);
}

TEST(CastOps, UnsupportedAndBadTargets) {
  const Tensor x = Tensor::from_vector<float>({1}, {1});
  expect_error(ErrorKind::Unsupported, [&] { OpRunner("Cast").attr("to", 14).run1({x}); });  // complex64
  expect_error(ErrorKind::BadInput, [&] { OpRunner("Cast").run1({x}); });                    // 'to' is required
}

TEST(CastOps, NumbersToStrings) {
  const Tensor f = Tensor::from_vector<float>({7}, {0.9767611f, 1.0f, -2.5f, 1e-5f, 3e20f, 0.0f, INFINITY});
  EXPECT_EQ(values<std::string>(cast_to(DType::String).run1({f})),
            (std::vector<std::string>{"0.9767611", "1.0", "-2.5", "1e-05", "3e+20", "0.0", "inf"}));
  const Tensor i = Tensor::from_vector<int64_t>({2}, {-42, 9007199254740993});
  EXPECT_EQ(values<std::string>(cast_to(DType::String).run1({i})),
            (std::vector<std::string>{"-42", "9007199254740993"}));
}

TEST(CastOps, StringsToNumbers) {
  const Tensor s = Tensor::from_vector<std::string>({5}, {"0.5", "-1e3", "NaN", "+INF", "-INF"});
  const std::vector<float> f = values<float>(cast_to(DType::Float32).run1({s}));
  EXPECT_EQ(f[0], 0.5f);
  EXPECT_EQ(f[1], -1000.0f);
  EXPECT_TRUE(std::isnan(f[2]));
  EXPECT_EQ(f[3], INFINITY);
  EXPECT_EQ(f[4], -INFINITY);
  const Tensor n = Tensor::from_vector<std::string>({2}, {"+17", "-9007199254740993"});
  EXPECT_EQ(values<int64_t>(cast_to(DType::Int64).run1({n})), (std::vector<int64_t>{17, -9007199254740993}));
  expect_error(ErrorKind::BadInput,
               [&] { cast_to(DType::Int32).run1({Tensor::from_vector<std::string>({1}, {"12abc"})}); });
  expect_error(ErrorKind::BadInput,
               [&] { cast_to(DType::Float32).run1({Tensor::from_vector<std::string>({1}, {""})}); });
}

TEST(CastOps, CastLikeTakesTheSecondInputsType) {
  const Tensor x = Tensor::from_vector<double>({2}, {1.9, -3.2});
  const Tensor y = OpRunner("CastLike").run1({x, Tensor::scalar<int8_t>(0)});
  ASSERT_EQ(y.dtype(), DType::Int8);
  EXPECT_EQ(values<int8_t>(y), (std::vector<int8_t>{1, -3}));
  EXPECT_EQ(OpRunner("CastLike").run1({x, Tensor(DType::Float64, {0})}).dtype(), DType::Float64);
}

}  // namespace
}  // namespace vigil::testing

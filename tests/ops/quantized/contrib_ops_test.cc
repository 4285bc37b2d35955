// SPDX-License-Identifier: Apache-2.0
// The com.microsoft int8 operators against hand-computed numbers: the dequantize, compute,
// requantize formulas of QLinearAdd, QLinearMul, QLinearSigmoid, QLinearLeakyRelu,
// QLinearGlobalAveragePool (NCHW and channels_last) and QLinearConcat, with broadcasting,
// ties to even and saturation, the table same-shaped operands use, and the integer products of MatMulIntegerToFloat,
// DynamicQuantizeMatMul and QGemm with per-column scales, biases and transposes.
#include <gtest/gtest.h>

#include <cstring>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

OpRunner microsoft(const std::string& op) {
  OpRunner runner(op, 1);
  runner.domain("com.microsoft");
  return runner;
}

Tensor scale(float value) { return make<float>({}, {value}); }

TEST(QuantizationContribOps, QLinearAddBroadcastsAndRoundsHalfToEven) {
  // A: 0.5 x ([10 20] - 10) = [0 5]; B: 4; sum [4 9] / 2 = [2 4.5] -> [2 4] + 1.
  const Tensor y =
      microsoft("QLinearAdd")
          .run1({make<uint8_t>({2}, {10, 20}), scale(0.5f), make<uint8_t>({}, {10}), make<uint8_t>({}, {4}),
                 scale(1.0f), make<uint8_t>({}, {0}), scale(2.0f), make<uint8_t>({}, {1})});
  expect_tensor<uint8_t>(y, {2}, {3, 5});
}

// Operands of one shape take the table of every pair of bytes; it must hold what the
// element-wise arithmetic gives, so both paths run over all 65,536 pairs (the broadcast one
// by giving A a leading 1) and agree byte for byte, for uint8 and int8, Add and Mul.
TEST(QuantizationContribOps, QLinearAddAndMulOfOneShapeMatchTheBroadcastPath) {
  for (const std::string op : {"QLinearAdd", "QLinearMul"}) {
    for (const bool is_signed : {false, true}) {
      const DType type = is_signed ? DType::Int8 : DType::UInt8;
      Tensor a(type, {65536}), b(type, {65536});
      for (int i = 0; i < 65536; ++i) {
        static_cast<uint8_t*>(a.raw())[i] = static_cast<uint8_t>(i >> 8);
        static_cast<uint8_t*>(b.raw())[i] = static_cast<uint8_t>(i & 255);
      }
      auto zero = [&](int value) {
        return is_signed ? make<int8_t>({}, {static_cast<int8_t>(value)})
                         : make<uint8_t>({}, {static_cast<uint8_t>(value + 128)});
      };
      auto run = [&](const Tensor& first) {
        return microsoft(op).run1({first, scale(0.031f), zero(-3), b, scale(0.047f), zero(5), scale(0.11f), zero(1)});
      };
      const Tensor same_shape = run(a);
      const Tensor broadcast = run(a.reshaped({1, 65536}));
      ASSERT_EQ(broadcast.numel(), 65536);
      EXPECT_EQ(std::memcmp(same_shape.raw(), broadcast.raw(), 65536), 0) << op << (is_signed ? " int8" : " uint8");
    }
  }
}

TEST(QuantizationContribOps, QLinearMulSaturates) {
  // [1.5 -2] x [2 2] = [3 -4]; plus -126: -123 and -130, which saturates to -128.
  const Tensor y = microsoft("QLinearMul")
                       .run1({make<int8_t>({2}, {3, -4}), scale(0.5f), make<int8_t>({}, {0}), make<int8_t>({2}, {2, 2}),
                              scale(1.0f), make<int8_t>({}, {0}), scale(1.0f), make<int8_t>({}, {-126})});
  expect_tensor<int8_t>(y, {2}, {-123, -128});
}

TEST(QuantizationContribOps, QLinearSigmoidAndLeakyRelu) {
  const Tensor s = microsoft("QLinearSigmoid")
                       .run1({make<uint8_t>({2}, {128, 0}), scale(1.0f), make<uint8_t>({}, {128}), scale(1.0f / 256),
                              make<uint8_t>({}, {0})});
  expect_tensor<uint8_t>(s, {2}, {128, 0});  // sigmoid(0) = 0.5 = 128 / 256
  const Tensor l =
      microsoft("QLinearLeakyRelu")
          .attr("alpha", 0.5f)
          .run1({make<int8_t>({2}, {-4, 4}), scale(1.0f), make<int8_t>({}, {0}), scale(1.0f), make<int8_t>({}, {0})});
  expect_tensor<int8_t>(l, {2}, {-2, 4});
}

TEST(QuantizationContribOps, QLinearGlobalAveragePoolBothLayouts) {
  // Channel means 1.5 and 4.5 round to 2 and 4.
  const Tensor nchw = microsoft("QLinearGlobalAveragePool")
                          .run1({make<uint8_t>({1, 2, 1, 2}, {1, 2, 3, 6}), scale(1.0f), make<uint8_t>({}, {0}),
                                 scale(1.0f), make<uint8_t>({}, {0})});
  expect_tensor<uint8_t>(nchw, {1, 2, 1, 1}, {2, 4});
  const Tensor nhwc = microsoft("QLinearGlobalAveragePool")
                          .attr("channels_last", 1)
                          .run1({make<uint8_t>({1, 1, 2, 2}, {1, 3, 2, 6}), scale(1.0f), make<uint8_t>({}, {0}),
                                 scale(1.0f), make<uint8_t>({}, {0})});
  expect_tensor<uint8_t>(nhwc, {1, 1, 1, 2}, {2, 4});
}

TEST(QuantizationContribOps, QLinearConcatRequantizesEveryInput) {
  // [4] x 0.5 = [2]; ([10 12] - 10) x 1 = [0 2]; joined on axis 1 at Y's scale 1.
  const Tensor y =
      microsoft("QLinearConcat")
          .attr("axis", 1)
          .run1({scale(1.0f), make<uint8_t>({}, {0}), make<uint8_t>({1, 1}, {4}), scale(0.5f), make<uint8_t>({}, {0}),
                 make<uint8_t>({1, 2}, {10, 12}), scale(1.0f), make<uint8_t>({}, {10})});
  expect_tensor<uint8_t>(y, {1, 3}, {2, 0, 2});
  expect_error(ErrorKind::BadInput, [] {
    microsoft("QLinearConcat").run1({scale(1.0f), make<uint8_t>({}, {0}), make<uint8_t>({1}, {1}), scale(1.0f)});
  });
}

TEST(QuantizationContribOps, MatMulIntegerToFloatPerColumnScalesAndBias) {
  // ([3 5] - 1) x [[1 2] [3 4]] = [14 20]; x 0.5 x [1 0.25] = [7 2.5]; + [1 -1].
  const Tensor y =
      microsoft("MatMulIntegerToFloat")
          .run1({make<uint8_t>({1, 2}, {3, 5}), make<int8_t>({2, 2}, {1, 2, 3, 4}), scale(0.5f),
                 make<float>({2}, {1.0f, 0.25f}), make<uint8_t>({}, {1}), Tensor(), make<float>({2}, {1.0f, -1.0f})});
  expect_tensor<float>(y, {1, 2}, {8.0f, 1.5f});
}

TEST(QuantizationContribOps, DynamicQuantizeMatMulQuantizesTheFloatInput) {
  // A's range [0, 2.55] gives scale 0.01 and zero point 0: A becomes [0 255].
  const Tensor y = microsoft("DynamicQuantizeMatMul")
                       .run1({make<float>({1, 2}, {0.0f, 2.55f}), make<int8_t>({2, 1}, {1, 1}), scale(1.0f)});
  expect_near(y, {2.55f}, 1e-5f);
}

TEST(QuantizationContribOps, QGemmTransposedBWithBiasFloatAndQuantized) {
  // ([2 3] - 1) x B^T where B = [[1 1] [2 0]]: [3 2]; + C [1 1] = [4 3]; x 0.5 = [2 1.5].
  auto run = [](bool quantized) {
    std::vector<Tensor> inputs = {make<uint8_t>({1, 2}, {2, 3}),       scale(0.5f), make<uint8_t>({}, {1}),
                                  make<uint8_t>({2, 2}, {1, 1, 2, 0}), scale(1.0f), make<uint8_t>({}, {0}),
                                  make<int32_t>({2}, {1, 1})};
    if (quantized) {
      inputs.push_back(scale(1.0f));
      inputs.push_back(make<uint8_t>({}, {0}));
    }
    return microsoft("QGemm").attr("transB", 1).run1(inputs);
  };
  expect_tensor<float>(run(false), {1, 2}, {2.0f, 1.5f});
  expect_tensor<uint8_t>(run(true), {1, 2}, {2, 2});  // 1.5 rounds to 2
}

// Constant weights take the path that centres them once into int16 rows: the same int32
// sums as the general path, with B plain and transposed, int8 and uint8, zero points per
// column, several rows of A.
TEST(QuantizationContribOps, QGemmOfConstantWeightsMatchesTheGeneralPath) {
  for (const bool trans_b : {false, true}) {
    for (const bool signed_b : {false, true}) {
      const Shape b_shape = trans_b ? Shape{7, 37} : Shape{37, 7};
      Tensor a(DType::UInt8, {3, 37}), b(signed_b ? DType::Int8 : DType::UInt8, b_shape);
      for (int64_t i = 0; i < a.numel(); ++i) a.data<uint8_t>()[i] = static_cast<uint8_t>(i * 53 % 256);
      for (int64_t i = 0; i < b.numel(); ++i) static_cast<uint8_t*>(b.raw())[i] = static_cast<uint8_t>(i * 29 % 256);
      Tensor b_zero(b.dtype(), {7});
      for (int64_t i = 0; i < 7; ++i) static_cast<uint8_t*>(b_zero.raw())[i] = static_cast<uint8_t>(i * 3);
      const std::vector<Tensor> inputs = {a,
                                          scale(0.02f),
                                          make<uint8_t>({}, {120}),
                                          b,
                                          make<float>({7}, {0.01f, 0.02f, 0.03f, 0.01f, 0.02f, 0.03f, 0.04f}),
                                          b_zero};
      const Tensor general = microsoft("QGemm").attr("transB", trans_b ? 1 : 0).run1(inputs);
      OpRunner constant = microsoft("QGemm");
      constant.attr("transB", trans_b ? 1 : 0).constant(3).constant(4).constant(5);
      const Tensor fast = constant.run1(inputs);
      EXPECT_EQ(fast.to_double_vector(), general.to_double_vector())
          << (trans_b ? "B^T " : "B ") << (signed_b ? "int8" : "uint8");
    }
  }
}

}  // namespace
}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// The quantization reference operators against hand-computed numbers: rounding half to
// even and saturation, per-tensor and per-axis parameters, DynamicQuantizeLinear's range,
// the integer products with per-row, per-column and per-channel zero points, and the
// requantization of QLinearMatMul and QLinearConv, ties included. Bad parameters raise.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(QuantizationOps, QuantizeLinearRoundsHalfToEvenAndSaturates) {
  const Tensor x = make<float>({7}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.0f, -300.0f});
  const Tensor y = OpRunner("QuantizeLinear").run1({x, make<float>({}, {1.0f}), make<int8_t>({}, {0})});
  expect_tensor<int8_t>(y, {7}, {0, 2, 2, 0, -2, 127, -128});
  // Without a zero point the output is uint8.
  const Tensor u = OpRunner("QuantizeLinear").run1({make<float>({3}, {2.5f, -1.0f, 300.0f}), make<float>({}, {1.0f})});
  expect_tensor<uint8_t>(u, {3}, {2, 0, 255});
  // The zero point is added after rounding: round(2.5) + 1 = 3, where round(3.5) would be 4.
  const Tensor odd =
      OpRunner("QuantizeLinear").run1({make<float>({1}, {2.5f}), make<float>({}, {1.0f}), make<uint8_t>({}, {1})});
  expect_tensor<uint8_t>(odd, {1}, {3});
}

TEST(QuantizationOps, QuantizeLinearPerAxis) {
  const Tensor x = make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  const Tensor y =
      OpRunner("QuantizeLinear").attr("axis", 0).run1({x, make<float>({2}, {1.0f, 2.0f}), make<uint8_t>({2}, {0, 10})});
  expect_tensor<uint8_t>(y, {2, 3}, {1, 2, 3, 12, 12, 13});  // 5 / 2 = 2.5 rounds to 2
}

TEST(QuantizationOps, DequantizeLinearPerAxisAndInt32) {
  const Tensor x = make<uint8_t>({2, 2}, {0, 10, 20, 30});
  const Tensor y = OpRunner("DequantizeLinear").run1({x, make<float>({2}, {0.5f, 2.0f}), make<uint8_t>({2}, {10, 20})});
  expect_tensor<float>(y, {2, 2}, {-5.0f, -20.0f, 5.0f, 20.0f});
  const Tensor wide = OpRunner("DequantizeLinear").run1({make<int32_t>({2}, {-3, 7}), make<float>({}, {0.5f})});
  expect_tensor<float>(wide, {2}, {-1.5f, 3.5f});
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("DequantizeLinear").run1({make<int32_t>({1}, {1}), make<float>({}, {1.0f}), make<int32_t>({}, {3})});
  });
}

TEST(QuantizationOps, DynamicQuantizeLinearCoversTheRangeAndZero) {
  const std::vector<Tensor> out = OpRunner("DynamicQuantizeLinear").run({make<float>({4}, {0, 2, -1, 4})}, 3);
  expect_tensor<uint8_t>(out[0], {4}, {51, 153, 0, 255});
  EXPECT_EQ(values<float>(out[1])[0], 5.0f / 255.0f);
  EXPECT_EQ(values<uint8_t>(out[2])[0], 51);
  const std::vector<Tensor> zeros = OpRunner("DynamicQuantizeLinear").run({make<float>({2}, {0, 0})}, 3);
  expect_tensor<uint8_t>(zeros[0], {2}, {0, 0});
  EXPECT_EQ(values<float>(zeros[1])[0], 0.0f);
}

TEST(QuantizationOps, MatMulIntegerPerRowAndPerColumnZeroPoints) {
  // A - [1, 2] by row = [[0, 1], [1, 2]]; B - [5, 6] by column = [[0, 0], [2, 2]].
  const Tensor a = make<uint8_t>({2, 2}, {1, 2, 3, 4});
  const Tensor b = make<uint8_t>({2, 2}, {5, 6, 7, 8});
  const Tensor y = OpRunner("MatMulInteger").run1({a, b, make<uint8_t>({2}, {1, 2}), make<uint8_t>({2}, {5, 6})});
  expect_tensor<int32_t>(y, {2, 2}, {2, 2, 4, 4});
  expect_error(ErrorKind::BadInput, [&] { OpRunner("MatMulInteger").run1({a, b, make<uint8_t>({3}, {1, 2, 3})}); });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("MatMulInteger").run1({make<float>({1, 1}, {1}), make<float>({1, 1}, {1})});
  });
}

TEST(QuantizationOps, QLinearMatMulRequantizesTiesToEvenAndSaturates) {
  // A - 2 = [[1, 2], [3, 0]]; B = [[1, 1], [1, -1]]; sums [[3, -1], [3, 3]]; multiplier 1 x 0.5 / 1.
  const Tensor a = make<uint8_t>({2, 2}, {3, 4, 5, 2});
  const Tensor b = make<int8_t>({2, 2}, {1, 1, 1, -1});
  auto run = [&](int8_t zero_point) {
    return OpRunner("QLinearMatMul")
        .run1({a, make<float>({}, {1.0f}), make<uint8_t>({}, {2}), b, make<float>({}, {0.5f}), make<int8_t>({}, {0}),
               make<float>({}, {1.0f}), make<int8_t>({}, {zero_point})});
  };
  expect_tensor<int8_t>(run(0), {2, 2}, {2, 0, 2, 2});            // 1.5 -> 2, -0.5 -> 0
  expect_tensor<int8_t>(run(126), {2, 2}, {127, 126, 127, 127});  // 128 saturates
}

TEST(QuantizationOps, ConvIntegerPerChannelWeightZeroPoints) {
  const Tensor x = make<uint8_t>({1, 1, 2, 2}, {1, 2, 3, 4});  // minus 1: 0 1 2 3
  const Tensor w = make<uint8_t>({2, 1, 1, 1}, {3, 5});        // minus [1, 2]: 2 and 3
  const Tensor y = OpRunner("ConvInteger").run1({x, w, make<uint8_t>({}, {1}), make<uint8_t>({2}, {1, 2})});
  expect_tensor<int32_t>(y, {1, 2, 2, 2}, {0, 2, 4, 6, 0, 3, 6, 9});
}

TEST(QuantizationOps, QLinearConvPerChannelScalesAndBias) {
  // Sums: channel 0 2 x [0 1 2 3] + 1 = [1 3 5 7] x 0.5; channel 1 3 x [0 1 2 3] - 1 = [-1 2 5 8] x 0.25.
  const Tensor x = make<uint8_t>({1, 1, 2, 2}, {1, 2, 3, 4});
  const Tensor w = make<int8_t>({2, 1, 1, 1}, {2, 3});
  const Tensor y = OpRunner("QLinearConv")
                       .run1({x, make<float>({}, {1.0f}), make<uint8_t>({}, {1}), w, make<float>({2}, {0.5f, 0.25f}),
                              make<int8_t>({2}, {0, 0}), make<float>({}, {1.0f}), make<uint8_t>({}, {0}),
                              make<int32_t>({2}, {1, -1})});
  expect_tensor<uint8_t>(y, {1, 2, 2, 2}, {0, 2, 2, 4, 0, 0, 1, 2});
}

TEST(QuantizationOps, ParametersMustMatchTheAxis) {
  const Tensor x = make<float>({2, 3}, {1, 2, 3, 4, 5, 6});
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("QuantizeLinear").attr("axis", 0).run1({x, make<float>({3}, {1, 1, 1})});
  });
  expect_error(ErrorKind::BadInput, [&] {
    OpRunner("QuantizeLinear").run1({x, make<float>({3}, {1, 1, 1}), make<uint8_t>({2}, {0, 0})});
  });
  expect_error(ErrorKind::BadInput, [&] { OpRunner("QuantizeLinear").run1({x, make<double>({}, {1.0})}); });
}

}  // namespace
}  // namespace vigil::testing

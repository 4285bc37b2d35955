// SPDX-License-Identifier: Apache-2.0
// Scales, zero points, int8 weights and int32 biases against hand-computed values,
// including ties (half to even), clipping and saturation.
#include "quant/affine_quantization.h"

#include <gtest/gtest.h>

#include <limits>

namespace vigil::quant {
namespace {

TEST(AffineQuantization, AsymmetricActivationsKeepZeroExact) {
  ScaleZeroPoint p = activation_parameters({-1.0f, 3.0f}, {DType::UInt8, false});
  EXPECT_FLOAT_EQ(p.scale, 4.0f / 255);
  EXPECT_EQ(p.zero_point, 64);  // round(0 + 1 / (4 / 255)) = round(63.75)
  EXPECT_EQ(p.dequantize(p.zero_point), 0.0f);
  p = activation_parameters({-1.0f, 3.0f}, {DType::Int8, false});
  EXPECT_FLOAT_EQ(p.scale, 4.0f / 255);
  EXPECT_EQ(p.zero_point, -64);  // round(-128 + 63.75)
  // A range that misses zero is widened to reach it.
  p = activation_parameters({0.5f, 2.0f}, {DType::UInt8, false});
  EXPECT_FLOAT_EQ(p.scale, 2.0f / 255);
  EXPECT_EQ(p.zero_point, 0);
  p = activation_parameters({-4.0f, -1.0f}, {DType::UInt8, false});
  EXPECT_EQ(p.zero_point, 255);
  // All zeros: any scale works; 1 keeps it finite.
  p = activation_parameters({0.0f, 0.0f}, {DType::UInt8, false});
  EXPECT_EQ(p.scale, 1.0f);
  EXPECT_EQ(p.zero_point, 0);
}

TEST(AffineQuantization, SymmetricActivations) {
  ScaleZeroPoint p = activation_parameters({-1.0f, 3.0f}, {DType::Int8, true});
  EXPECT_FLOAT_EQ(p.scale, 3.0f / 127);
  EXPECT_EQ(p.zero_point, 0);
  EXPECT_EQ(p.quantize(-3.0f, -127, 127), -127);
  p = activation_parameters({-1.0f, 3.0f}, {DType::UInt8, true});
  EXPECT_FLOAT_EQ(p.scale, 6.0f / 255);
  EXPECT_EQ(p.zero_point, 128);
  EXPECT_EQ(integer_range({DType::Int8, true}).min, -127);
  EXPECT_EQ(integer_range({DType::Int8, false}).min, -128);
}

TEST(AffineQuantization, PerChannelWeights) {
  const Tensor w = Tensor::from_vector<float>({2, 3}, {2.54f, -1.0f, 0.3f, 0.1f, -0.36f, 0.4f});
  const QuantizedWeight q = quantize_weight(w, 0, 1.0f);
  ASSERT_EQ(q.scales.size(), 2u);
  EXPECT_FLOAT_EQ(q.scales[0], 2.54f / 127);  // max|w| / 127 per output channel
  EXPECT_FLOAT_EQ(q.scales[1], 0.4f / 127);
  EXPECT_EQ(q.values.dtype(), DType::Int8);
  const int8_t* v = q.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(v, v + 6), (std::vector<int>{127, -50, 15, 32, -114, 127}));  // 31.75 -> 32, -114.3

  // Axis 1 (Gemm without transB, MatMul): one scale per column.
  const QuantizedWeight columns = quantize_weight(w, 1, 1.0f);
  EXPECT_EQ(columns.scales, (std::vector<float>{static_cast<float>(2.54 / 127), static_cast<float>(1.0 / 127),
                                                static_cast<float>(0.4 / 127)}));
  const QuantizedWeight whole = quantize_weight(w, -1, 1.0f);
  ASSERT_EQ(whole.scales.size(), 1u);
  const int8_t* t = whole.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(t, t + 6), (std::vector<int>{127, -50, 15, 5, -18, 20}));
}

TEST(AffineQuantization, WeightTiesRoundToEvenAndClipSaturates) {
  const QuantizedWeight ties = quantize_weight(Tensor::from_vector<float>({4}, {127, 2.5f, 3.5f, -2.5f}), -1, 1.0f);
  EXPECT_EQ(ties.scales[0], 1.0f);
  const int8_t* v = ties.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(v, v + 4), (std::vector<int>{127, 2, 4, -2}));

  // Clipping at half of max|w|: scale 63.5 / 127 = 0.5, and the large weights saturate
  // at +-127 (never -128: the grid stays symmetric).
  const QuantizedWeight clipped = quantize_weight(Tensor::from_vector<float>({4}, {127, 100, -80, 10}), -1, 0.5f);
  EXPECT_EQ(clipped.scales[0], 0.5f);
  const int8_t* c = clipped.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(c, c + 4), (std::vector<int>{127, 127, -127, 20}));

  const QuantizedWeight zeros = quantize_weight(Tensor::from_vector<float>({1, 2}, {0, 0}), 0, 1.0f);
  EXPECT_EQ(zeros.scales[0], 1.0f);
}

TEST(AffineQuantization, LowBitWeightsAndActivations) {
  // Two bits: ternary, scale max|w| / 1 per channel.
  const QuantizedWeight ternary =
      quantize_weight(Tensor::from_vector<float>({2, 3}, {0.9f, -0.2f, -0.5f, 4, -1.9f, 2.1f}), 0, 1.0f, 2);
  EXPECT_EQ(ternary.scales, (std::vector<float>{0.9f, 4.0f}));
  const int8_t* t = ternary.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(t, t + 6), (std::vector<int>{1, 0, -1, 1, 0, 1}));  // -0.5 / 0.9 rounds to -1
  // One bit: signs (0 counts as positive) and the mean |w| per channel (XNOR-Net).
  const QuantizedWeight binary = quantize_weight(Tensor::from_vector<float>({2, 2}, {0, -2, 3, -1}), 0, 1.0f, 1);
  EXPECT_EQ(binary.scales, (std::vector<float>{1.0f, 2.0f}));
  const int8_t* b = binary.values.data<int8_t>();
  EXPECT_EQ(std::vector<int>(b, b + 4), (std::vector<int>{1, -1, 1, -1}));
  // Activations below 8 bits: unsigned 0 .. 2^bits - 1 over the range, whatever the type.
  const ScaleZeroPoint two = activation_parameters({0, 3}, ActivationScheme{DType::Int8, true, 2});
  EXPECT_FLOAT_EQ(two.scale, 1.0f);
  EXPECT_EQ(two.zero_point, 0);
  const ScaleZeroPoint shifted = activation_parameters({-1, 2}, ActivationScheme{DType::UInt8, false, 2});
  EXPECT_FLOAT_EQ(shifted.scale, 1.0f);
  EXPECT_EQ(shifted.zero_point, 1);
}

TEST(AffineQuantization, BiasTakesInputTimesWeightScale) {
  const QuantizedBias b =
      quantize_bias(Tensor::from_vector<float>({3}, {1.234f, -0.0031f, 1e10f}), 0.5f, {0.02f, 0.004f, 0.002f});
  EXPECT_EQ(b.scales, (std::vector<float>{0.5f * 0.02f, 0.5f * 0.004f, 0.5f * 0.002f}));
  EXPECT_EQ(b.values.dtype(), DType::Int32);
  const int32_t* v = b.values.data<int32_t>();
  EXPECT_EQ(v[0], 123);  // 123.4
  EXPECT_EQ(v[1], -2);   // -1.55
  EXPECT_EQ(v[2], std::numeric_limits<int32_t>::max());
  const QuantizedBias one = quantize_bias(Tensor::from_vector<float>({2}, {0.25f, -0.75f}), 0.5f, {1.0f});
  EXPECT_EQ(one.scales, (std::vector<float>{0.5f}));
  const int32_t* o = one.values.data<int32_t>();
  EXPECT_EQ(o[0], 0);   // 0.5 ties to even
  EXPECT_EQ(o[1], -2);  // -1.5 ties to even
}

}  // namespace
}  // namespace vigil::quant

// SPDX-License-Identifier: Apache-2.0
// Layer costs against hand-counted MACs, operations and bytes (the formulas of layer_cost.h).
#include "graph/layer_cost.h"

#include <gtest/gtest.h>

namespace vigil {
namespace {

Node node(std::string op_type, std::string domain = "") {
  Node n;
  n.op_type = std::move(op_type);
  n.domain = std::move(domain);
  return n;
}

TensorShapeAndType f32(Shape shape) { return {std::move(shape), DType::Float32}; }

TEST(LayerCost, ConvCountsMacsOpsAndBytes) {
  // 4 output channels of 6x6, each a 3x3x3 window: 144 outputs x 27 MACs.
  const LayerCost cost = layer_cost(node("Conv"), {f32({1, 3, 8, 8}), f32({4, 3, 3, 3})}, {f32({1, 4, 6, 6})});
  EXPECT_EQ(cost.macs, 3888);
  EXPECT_EQ(cost.ops, 7776);
  EXPECT_EQ(cost.bytes_read, (192 + 108) * 4);
  EXPECT_EQ(cost.bytes_written, 144 * 4);
  EXPECT_EQ(cost.bytes(), cost.bytes_read + cost.bytes_written);
  // vigil's fused form costs the same; an unknown domain's operator is not counted.
  EXPECT_EQ(layer_cost(node("FusedConv", "vigil"), {f32({1, 3, 8, 8}), f32({4, 3, 3, 3})}, {f32({1, 4, 6, 6})}).macs,
            3888);
  EXPECT_EQ(layer_cost(node("Conv", "com.example"), {f32({1, 3, 8, 8}), f32({4, 3, 3, 3})}, {f32({1, 4, 6, 6})}).ops,
            0);
}

TEST(LayerCost, GroupedConvUsesChannelsPerGroup) {
  // Depthwise: 8 groups of one channel, 3x3: each of the 8x4x4 outputs is 9 MACs.
  const LayerCost cost = layer_cost(node("Conv"), {f32({1, 8, 6, 6}), f32({8, 1, 3, 3})}, {f32({1, 8, 4, 4})});
  EXPECT_EQ(cost.macs, 128 * 9);
}

TEST(LayerCost, MatMulAndGemmReduceTheSharedDimension) {
  EXPECT_EQ(layer_cost(node("MatMul"), {f32({2, 3, 4}), f32({4, 5})}, {f32({2, 3, 5})}).macs, 2 * 3 * 5 * 4);
  Node gemm = node("Gemm");
  EXPECT_EQ(layer_cost(gemm, {f32({3, 5}), f32({5, 4})}, {f32({3, 4})}).macs, 12 * 5);
  Attribute trans_a;
  trans_a.i = 1;
  gemm.attributes.set("transA", trans_a);  // A is [K, M] = [5, 3]
  EXPECT_EQ(layer_cost(gemm, {f32({5, 3}), f32({5, 4})}, {f32({3, 4})}).macs, 12 * 5);
}

TEST(LayerCost, IntegerOperatorsCostTheirFloatForms) {
  auto u8 = [](Shape shape) { return TensorShapeAndType{std::move(shape), DType::UInt8}; };
  auto scalar = f32({});
  // QConv / QLinearConv: x, x_scale, x_zero_point, w, ...: the weights are input 3.
  const std::vector<TensorShapeAndType> conv = {u8({1, 3, 8, 8}), scalar, u8({}), u8({4, 3, 3, 3})};
  EXPECT_EQ(layer_cost(node("QConv", "vigil"), conv, {u8({1, 4, 6, 6})}).macs, 3888);
  EXPECT_EQ(layer_cost(node("QLinearConv"), conv, {u8({1, 4, 6, 6})}).macs, 3888);
  EXPECT_EQ(layer_cost(node("ConvInteger"), {u8({1, 3, 8, 8}), u8({4, 3, 3, 3})}, {u8({1, 4, 6, 6})}).macs, 3888);
  // QGemm: a (rows x K) at input 0, weights at 3.
  EXPECT_EQ(layer_cost(node("QGemm", "vigil"), {u8({2, 5}), scalar, u8({}), u8({4, 5})}, {u8({2, 4})}).macs, 40);
  EXPECT_EQ(layer_cost(node("QGemm", "com.microsoft"), {u8({2, 5}), scalar, u8({}), u8({4, 5})}, {u8({2, 4})}).ops, 80);
  EXPECT_EQ(layer_cost(node("QAdd", "vigil"), {u8({2, 3}), scalar, u8({}), u8({2, 3})}, {u8({2, 3})}).ops, 6);
  EXPECT_EQ(layer_cost(node("QLinearAdd", "com.microsoft"), {u8({2, 3}), scalar, u8({}), u8({2, 3})}, {u8({2, 3})}).ops,
            6);
}

TEST(LayerCost, OperatorsWithoutMacsCountTheirArithmetic) {
  EXPECT_EQ(layer_cost(node("Relu"), {f32({2, 3})}, {f32({2, 3})}).ops, 6);
  EXPECT_EQ(layer_cost(node("Add"), {f32({2, 3}), f32({3})}, {f32({2, 3})}).ops, 6);
  EXPECT_EQ(layer_cost(node("Gelu", "vigil"), {f32({4})}, {f32({4})}).ops, 4);
  EXPECT_EQ(layer_cost(node("Softmax"), {f32({2, 5})}, {f32({2, 5})}).ops, 40);
  EXPECT_EQ(layer_cost(node("LayerNormalization"), {f32({2, 5}), f32({5}), f32({5})}, {f32({2, 5})}).ops, 70);
  EXPECT_EQ(layer_cost(node("BatchNormalization"), {f32({1, 2, 3, 3})}, {f32({1, 2, 3, 3})}).ops, 36);
  EXPECT_EQ(layer_cost(node("GlobalAveragePool"), {f32({1, 4, 5, 5})}, {f32({1, 4, 1, 1})}).ops, 100);
  EXPECT_EQ(layer_cost(node("ReduceMean"), {f32({3, 7})}, {f32({3, 1})}).ops, 21);
  Node pool = node("MaxPool");
  Attribute kernel;
  kernel.type = AttributeType::Ints;
  kernel.ints = {3, 3};
  pool.attributes.set("kernel_shape", kernel);
  EXPECT_EQ(layer_cost(pool, {f32({1, 2, 6, 6})}, {f32({1, 2, 2, 2})}).ops, 8 * 9);
  const LayerCost reshape = layer_cost(node("Reshape"), {f32({2, 3}), {{2}, DType::Int64}}, {f32({3, 2})});
  EXPECT_EQ(reshape.macs, 0);
  EXPECT_EQ(reshape.ops, 0);
  EXPECT_EQ(reshape.bytes_read, 24 + 16);
  EXPECT_EQ(reshape.bytes_written, 24);
}

}  // namespace
}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized MatMul (DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul by
// x_scale x W_scale -> Add bias, as ONNX Runtime's dynamic quantizer writes it) ->
// vigil.QGemm with a float output: the node written, and outputs equal to the unfused graph's.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

namespace {

std::shared_ptr<Model> dynamic_matmul(bool with_bias) {
  ModelBuilder builder;
  builder.input("x", {1, 5, 16}).output("y", {1, 5, 8});
  Tensor w(DType::Int8, {16, 8}), w_scale(DType::Float32, {8});
  for (int64_t i = 0; i < w.numel(); ++i) w.data<int8_t>()[i] = static_cast<int8_t>((i * 53 + 7) % 255 - 127);
  for (int64_t c = 0; c < 8; ++c) w_scale.data<float>()[c] = 0.001f * static_cast<float>(c + 1);
  builder.constant("W", w).constant("Wz", Tensor(DType::Int8, {8})).constant("Ws", w_scale);
  builder.random_constant("B", {8});
  builder.node("DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"});
  builder.node("MatMulInteger", {"xq", "W", "xz", "Wz"}, {"i"});
  builder.node("Cast", {"i"}, {"c"}).attributes.set("to", int_attribute(1));
  builder.node("Mul", {"xs", "Ws"}, {"s"});
  builder.node("Mul", {"c", "s"}, {with_bias ? "p" : "y"});
  if (with_bias) builder.node("Add", {"B", "p"}, {"y"});
  return builder.build();
}

}  // namespace

TEST(FuseDynamicMatMul, ProductScalesAndBiasBecomeOneQGemm) {
  for (bool with_bias : {true, false}) {
    Graph graph = dynamic_matmul(with_bias)->graph;
    EXPECT_EQ(passes::fuse_dynamic_matmul(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 2u);
    EXPECT_EQ(graph.nodes[0].op_type, "DynamicQuantizeLinear");
    const Node& gemm = graph.nodes[1];
    EXPECT_EQ(gemm.domain, "vigil");
    EXPECT_EQ(gemm.op_type, "QGemm");
    EXPECT_EQ(gemm.inputs,
              (std::vector<std::string>{"xq", "xs", "xz", "W", "Ws", "Wz", "", "", with_bias ? "B" : "", ""}));
    EXPECT_EQ(gemm.outputs[0], "y");
  }
}

TEST(FuseDynamicMatMul, SameOutputsAsTheUnfusedGraph) {
  if (!fused_operator_registered("QGemm")) GTEST_SKIP() << "vigil.QGemm is not registered";
  Tensor x(DType::Float32, {1, 5, 16});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  // The same integer sums, scaled by the same float32 products: equal to the last bit.
  EXPECT_EQ(optimized_max_difference(dynamic_matmul(true), {{"x", x}}, 2), 0.0);
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized MatMul (DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul by
// x_scale x W_scale -> Add bias, as ONNX Runtime's dynamic quantizer writes it, or
// DynamicQuantizeLinear -> com.microsoft MatMulIntegerToFloat or com.microsoft
// DynamicQuantizeMatMul, as its optimizer saves it) -> vigil.QGemm with a float output: the
// node written, outputs equal to the unfused graph's, and a planned int8 kernel for each.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/step_costs.h"

namespace vigil::testing {

namespace {

// The product's constants: int8 weights W (16 x 8) with zero points Wz and per-column
// scales Ws, and a float bias B.
void add_weights(ModelBuilder& builder) {
  Tensor w(DType::Int8, {16, 8}), w_scale(DType::Float32, {8});
  for (int64_t i = 0; i < w.numel(); ++i) w.data<int8_t>()[i] = static_cast<int8_t>((i * 53 + 7) % 255 - 127);
  for (int64_t c = 0; c < 8; ++c) w_scale.data<float>()[c] = 0.001f * static_cast<float>(c + 1);
  builder.constant("W", w).constant("Wz", Tensor(DType::Int8, {8})).constant("Ws", w_scale);
  builder.random_constant("B", {8});
}

std::shared_ptr<Model> dynamic_matmul(bool with_bias) {
  ModelBuilder builder;
  builder.input("x", {1, 5, 16}).output("y", {1, 5, 8});
  add_weights(builder);
  builder.node("DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"});
  builder.node("MatMulInteger", {"xq", "W", "xz", "Wz"}, {"i"});
  builder.node("Cast", {"i"}, {"c"}).attributes.set("to", int_attribute(1));
  builder.node("Mul", {"xs", "Ws"}, {"s"});
  builder.node("Mul", {"c", "s"}, {with_bias ? "p" : "y"});
  if (with_bias) builder.node("Add", {"B", "p"}, {"y"});
  return builder.build();
}

// The same product as ONNX Runtime's optimizer saves it.
std::shared_ptr<Model> integer_to_float(bool with_bias) {
  ModelBuilder builder;
  builder.model().opsets["com.microsoft"] = 1;
  builder.input("x", {1, 5, 16}).output("y", {1, 5, 8});
  add_weights(builder);
  builder.node("DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"});
  std::vector<std::string> inputs = {"xq", "W", "xs", "Ws", "xz", "Wz"};
  if (with_bias) inputs.push_back("B");
  builder.node("MatMulIntegerToFloat", inputs, {"y"}, "com.microsoft");
  return builder.build();
}

// Two products of one x as ONNX Runtime's optimizer saves them at its highest level (the
// quantization of x folded into each).
std::shared_ptr<Model> dynamic_quantize_matmuls() {
  ModelBuilder builder;
  builder.model().opsets["com.microsoft"] = 1;
  builder.input("x", {1, 5, 16}).output("y1", {1, 5, 8}).output("y2", {1, 5, 8});
  add_weights(builder);
  builder.node("DynamicQuantizeMatMul", {"x", "W", "Ws", "Wz", "B"}, {"y1"}, "com.microsoft");
  builder.node("DynamicQuantizeMatMul", {"x", "W", "Ws"}, {"y2"}, "com.microsoft");
  return builder.build();
}

}  // namespace

TEST(FuseDynamicMatMul, DynamicQuantizeMatMulsShareOneQuantization) {
  Graph graph = dynamic_quantize_matmuls()->graph;
  EXPECT_EQ(passes::fuse_dynamic_matmul(graph), 2);
  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.nodes[0].op_type, "DynamicQuantizeLinear");
  EXPECT_EQ(graph.nodes[0].inputs[0], "x");
  for (size_t g : {1u, 2u}) {
    EXPECT_EQ(graph.nodes[g].op_type, "QGemm");
    EXPECT_EQ(graph.nodes[g].inputs[0], graph.nodes[0].outputs[0]);
  }
  if (!fused_operator_registered("QGemm")) GTEST_SKIP() << "vigil.QGemm is not registered";
  Tensor x(DType::Float32, {1, 5, 16});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 41) % 97) / 40.0f - 1.2f;
  EXPECT_LE(optimized_max_difference(dynamic_quantize_matmuls(), {{"x", x}}, 3), 1e-5);
}

TEST(FuseDynamicMatMul, MatMulIntegerToFloatBecomesOneQGemm) {
  for (bool with_bias : {true, false}) {
    Graph graph = integer_to_float(with_bias)->graph;
    EXPECT_EQ(passes::fuse_dynamic_matmul(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 2u);
    const Node& gemm = graph.nodes[1];
    EXPECT_EQ(gemm.domain, "vigil");
    EXPECT_EQ(gemm.op_type, "QGemm");
    EXPECT_EQ(gemm.inputs,
              (std::vector<std::string>{"xq", "xs", "xz", "W", "Ws", "Wz", "", "", with_bias ? "B" : "", ""}));
  }
  // Not fed by DynamicQuantizeLinear's own scale: left alone.
  Graph graph = integer_to_float(true)->graph;
  graph.nodes[1].inputs[2] = "Ws";
  EXPECT_EQ(passes::fuse_dynamic_matmul(graph), 0);
}

TEST(FuseDynamicMatMul, MatMulIntegerToFloatKeepsItsOutputs) {
  if (!fused_operator_registered("QGemm")) GTEST_SKIP() << "vigil.QGemm is not registered";
  Tensor x(DType::Float32, {1, 5, 16});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  // Exact int32 sums on both sides; the scale a_scale x b_scale[n] may round once
  // differently, a few units in the last place of each output.
  for (bool with_bias : {true, false}) EXPECT_LE(optimized_max_difference(integer_to_float(with_bias), {{"x", x}}, 2), 1e-5);
}

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

// Every form, fused, runs its product on a planned int8 kernel: no step with multiply-adds
// is left to a reference operator.
TEST(FuseDynamicMatMul, EveryFormRunsOnAPlannedKernel) {
  if (!fused_operator_registered("QGemm")) GTEST_SKIP() << "vigil.QGemm is not registered";
  Tensor x(DType::Float32, {1, 5, 16});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 29) % 89) / 45.0f - 1.0f;
  for (const std::shared_ptr<Model>& model : {dynamic_matmul(true), integer_to_float(true), dynamic_quantize_matmuls()}) {
    Session session(model, SessionOptions{1, true});
    const std::vector<StepCost> costs = measure_step_costs(session, {{"x", x}});
    int products = 0;
    for (const StepCost& cost : costs) {
      if (cost.cost.macs == 0) continue;
      ++products;
      EXPECT_FALSE(cost.algorithm.empty()) << cost.name << " (" << cost.op_type << ") runs on a reference kernel";
    }
    EXPECT_GE(products, 1);
    EXPECT_EQ(reference_kernel_warnings(costs), std::vector<std::string>{});
  }
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// MatMul (scale, bias, residual, activation) -> vigil.FusedMatMul and Gemm + activation ->
// vigil.FusedGemm: the nodes written, what must not fuse, and (once the operators are
// registered) numerics against the unfused graph.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "ops/fused_activation.h"

namespace vigil::testing {

namespace {

// a[2,3,4] x W[4,5] + bias[bias_length] (+ residual r) -> Relu -> y.
ModelBuilder matmul_bias_relu(int64_t bias_length = 5, bool residual = false) {
  ModelBuilder builder;
  builder.input("a", {2, 3, 4}).input("r", {2, 3, 5}).output("y", {2, 3, 5});
  builder.shape("m", {2, 3, 5}).shape("s", {2, 3, 5}).shape("t", {2, 3, 5});
  builder.random_constant("W", {4, 5}).random_constant("bias", {bias_length});
  builder.node("MatMul", {"a", "W"}, {"m"});
  builder.node("Add", {"bias", "m"}, {"s"});
  if (residual) builder.node("Add", {"s", "r"}, {"t"});
  builder.node("Relu", {residual ? "t" : "s"}, {"y"});
  return builder;
}

// Softmax(Q / 8 x K), the attention scores.
ModelBuilder scaled_scores() {
  ModelBuilder builder;
  builder.input("q", {2, 3, 4}).input("k", {2, 4, 3}).output("p", {2, 3, 3});
  builder.constant("eight", Tensor::scalar<float>(8));
  builder.node("Div", {"q", "eight"}, {"qs"});
  builder.node("MatMul", {"qs", "k"}, {"scores"});
  builder.node("Softmax", {"scores"}, {"p"}).attributes.set("axis", int_attribute(-1));
  return builder;
}

}  // namespace

TEST(FuseMatMul, BiasResidualActivation) {
  for (bool residual : {false, true}) {
    Graph graph = matmul_bias_relu(5, residual).build()->graph;
    EXPECT_EQ(passes::fuse_matmul(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 1u);
    const Node& fused = graph.nodes[0];
    EXPECT_EQ(fused.domain, "vigil");
    EXPECT_EQ(fused.op_type, "FusedMatMul");
    const std::vector<std::string> inputs =
        residual ? std::vector<std::string>{"a", "W", "bias", "r"} : std::vector<std::string>{"a", "W", "bias"};
    EXPECT_EQ(fused.inputs, inputs);
    EXPECT_EQ(fused.outputs[0], "y");
    EXPECT_EQ(fused.attributes.get_float("alpha", 1), 1.0f);
    EXPECT_EQ(read_fused_activation(fused.attributes, "test").kind, kernels::Activation::Relu);
  }
}

TEST(FuseMatMul, AttentionScaleBecomesAlpha) {
  Graph graph = scaled_scores().build()->graph;
  EXPECT_EQ(passes::fuse_matmul(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].op_type, "FusedMatMul");
  EXPECT_EQ(graph.nodes[0].inputs, (std::vector<std::string>{"q", "k"}));
  EXPECT_FLOAT_EQ(graph.nodes[0].attributes.get_float("alpha", 1), 0.125f);
  EXPECT_EQ(graph.nodes[1].op_type, "Softmax");
}

TEST(FuseMatMul, NotWhenTheBiasDoesNotFitOrTheProductIsShared) {
  // A bias of the wrong length is neither a bias nor a residual: nothing fuses.
  ModelBuilder wrong_bias = matmul_bias_relu(1);
  Graph graph = wrong_bias.build()->graph;
  EXPECT_EQ(passes::fuse_matmul(graph), 0);

  ModelBuilder shared = matmul_bias_relu();
  shared.output("m_neg", {2, 3, 5});
  shared.node("Neg", {"m"}, {"m_neg"});
  graph = shared.build()->graph;
  EXPECT_EQ(passes::fuse_matmul(graph), 0);
}

TEST(FuseGemmActivation, GemmSigmoid) {
  ModelBuilder builder;
  builder.input("x", {2, 5}).output("y", {2, 4});
  builder.random_constant("W", {4, 5}).random_constant("C", {4});
  builder.node("Gemm", {"x", "W", "C"}, {"g"}).attributes.set("transB", int_attribute(1));
  builder.node("Sigmoid", {"g"}, {"y"});
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::fuse_gemm_activation(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].op_type, "FusedGemm");
  EXPECT_EQ(graph.nodes[0].attributes.get_int("transB", 0), 1);
  EXPECT_EQ(read_fused_activation(graph.nodes[0].attributes, "test").kind, kernels::Activation::Sigmoid);
  if (!fused_operator_registered("FusedGemm")) GTEST_SKIP() << "vigil.FusedGemm is not registered yet";
  const Tensor x = ModelBuilder::random_tensor({2, 5}, -1, 1, 6);
  EXPECT_LT(optimized_max_difference(model, {{"x", x}}, 1), 1e-6);
}

TEST(FuseMatMul, SameOutputsAsUnfused) {
  if (!fused_operator_registered("FusedMatMul")) GTEST_SKIP() << "vigil.FusedMatMul is not registered yet";
  const Tensor a = ModelBuilder::random_tensor({2, 3, 4}, -1, 1, 7);
  const Tensor r = ModelBuilder::random_tensor({2, 3, 5}, -1, 1, 8);
  for (bool residual : {false, true}) {
    EXPECT_LT(optimized_max_difference(matmul_bias_relu(5, residual).build(), {{"a", a}, {"r", r}}, 1), 1e-5);
  }
  const Tensor k = ModelBuilder::random_tensor({2, 4, 3}, -1, 1, 9);
  EXPECT_LT(optimized_max_difference(scaled_scores().build(), {{"q", a}, {"k", k}}, 2), 1e-6);
}

}  // namespace vigil::testing

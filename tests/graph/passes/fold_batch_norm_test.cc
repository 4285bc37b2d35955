// SPDX-License-Identifier: Apache-2.0
// BatchNormalization folded into Conv and Gemm: structure, numerics against the unfolded
// graph, and the cases where the fold is illegal.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

namespace {

// Conv(x, W, B) -> BatchNormalization -> y, with `bn_mean` as the mean's name.
ModelBuilder conv_bn(const std::string& bn_mean = "mean") {
  ModelBuilder builder;
  builder.input("x", {1, 3, 8, 8}).output("y", {1, 4, 8, 8}).shape("c", {1, 4, 8, 8});
  builder.random_constant("W", {4, 3, 3, 3}).random_constant("B", {4});
  builder.random_constant("gamma", {4}).random_constant("beta", {4}).random_constant("var", {4}, 0.5f, 2.0f);
  if (bn_mean == "mean") builder.random_constant("mean", {4});
  builder.node("Conv", {"x", "W", "B"}, {"c"}).attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  builder.node("BatchNormalization", {"c", "gamma", "beta", bn_mean, "var"}, {"y"})
      .attributes.set("epsilon", passes::float_attribute(1e-3f));
  return builder;
}

}  // namespace

TEST(FoldBatchNorm, IntoConv) {
  auto model = conv_bn().build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::fold_batch_norm(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].op_type, "Conv");
  EXPECT_EQ(graph.nodes[0].outputs[0], "y");
  EXPECT_EQ(graph.nodes[0].attributes.get_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  const Tensor x = ModelBuilder::random_tensor({1, 3, 8, 8}, -1, 1, 2);
  // Outputs are O(1); the fold only reorders float rounding.
  EXPECT_LT(optimized_max_difference(model, {{"x", x}}), 1e-4);
}

TEST(FoldBatchNorm, IntoGemmEitherLayout) {
  for (int trans_b : {0, 1}) {
    ModelBuilder builder;
    builder.input("x", {2, 5}).output("y", {2, 4}).shape("g", {2, 4});
    builder.random_constant("W", trans_b ? Shape{4, 5} : Shape{5, 4}).random_constant("C", {4});
    builder.random_constant("gamma", {4}).random_constant("beta", {4}).random_constant("mean", {4});
    builder.random_constant("var", {4}, 0.5f, 2.0f);
    Node& gemm = builder.node("Gemm", {"x", "W", "C"}, {"g"});
    gemm.attributes.set("transB", int_attribute(trans_b));
    gemm.attributes.set("beta", passes::float_attribute(0.5f));
    builder.node("BatchNormalization", {"g", "gamma", "beta", "mean", "var"}, {"y"});
    auto model = builder.build();
    Graph graph = model->graph;
    EXPECT_EQ(passes::fold_batch_norm(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 1u);
    EXPECT_EQ(graph.nodes[0].attributes.get_float("beta", 0), 1.0f);
    const Tensor x = ModelBuilder::random_tensor({2, 5}, -1, 1, 3);
    EXPECT_LT(optimized_max_difference(model, {{"x", x}}, 1), 1e-5);
  }
}

TEST(FoldBatchNorm, MatrixProductBecomesGemm) {
  ModelBuilder builder;
  builder.input("x", {3, 5}).output("y", {3, 4}).shape("x", {3, 5}).shape("m", {3, 4});
  builder.random_constant("W", {5, 4});
  builder.random_constant("gamma", {4}).random_constant("beta", {4}).random_constant("mean", {4});
  builder.random_constant("var", {4}, 0.5f, 2.0f);
  builder.node("MatMul", {"x", "W"}, {"m"});
  builder.node("BatchNormalization", {"m", "gamma", "beta", "mean", "var"}, {"y"});
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::fold_batch_norm(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].op_type, "Gemm");
  EXPECT_EQ(graph.nodes[0].inputs.size(), 3u);
  const Tensor x = ModelBuilder::random_tensor({3, 5}, -1, 1, 14);
  EXPECT_LT(optimized_max_difference(model, {{"x", x}}, 1), 1e-5);
}

TEST(FoldBatchNorm, NotWhenStatisticsVaryOrTheProductHasAnotherReader) {
  ModelBuilder varying = conv_bn("fed_mean");
  varying.input("fed_mean", {4});
  Graph graph = varying.build()->graph;
  EXPECT_EQ(passes::fold_batch_norm(graph), 0);

  ModelBuilder shared = conv_bn();
  shared.output("c_relu", {1, 4, 8, 8});
  shared.node("Relu", {"c"}, {"c_relu"});
  graph = shared.build()->graph;
  EXPECT_EQ(passes::fold_batch_norm(graph), 0);
  EXPECT_EQ(count_ops(graph, "BatchNormalization"), 1);
}

}  // namespace vigil::testing

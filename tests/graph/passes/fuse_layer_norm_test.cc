// SPDX-License-Identifier: Apache-2.0
// The decomposed LayerNormalization (opset 13 exporters) -> one LayerNormalization node,
// run by vigil at opset 13.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

namespace {

ModelBuilder decomposed_layer_norm() {
  ModelBuilder builder;
  builder.input("x", {2, 3, 8}).output("y", {2, 3, 8});
  builder.random_constant("gamma", {8}).random_constant("beta", {8});
  builder.constant("two", Tensor::scalar<float>(2)).constant("eps", Tensor::scalar<float>(1e-5f));
  builder.node("ReduceMean", {"x"}, {"m"}).attributes.set("axes", ints_attribute({-1}));
  builder.node("Sub", {"x", "m"}, {"d"});
  builder.node("Pow", {"d", "two"}, {"p"});
  builder.node("ReduceMean", {"p"}, {"v"}).attributes.set("axes", ints_attribute({-1}));
  builder.node("Add", {"v", "eps"}, {"ve"});
  builder.node("Sqrt", {"ve"}, {"s"});
  builder.node("Div", {"d", "s"}, {"n"});
  builder.node("Mul", {"n", "gamma"}, {"g"});
  builder.node("Add", {"beta", "g"}, {"y"});
  return builder;
}

}  // namespace

TEST(FuseLayerNorm, OneNodeSameOutputs) {
  auto model = decomposed_layer_norm().build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::fuse_layer_norm(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 1u);
  const Node& fused = graph.nodes[0];
  EXPECT_EQ(fused.op_type, "LayerNormalization");
  EXPECT_EQ(fused.inputs, (std::vector<std::string>{"x", "gamma", "beta"}));
  EXPECT_EQ(fused.outputs[0], "y");
  EXPECT_EQ(fused.attributes.get_int("axis", 0), -1);
  EXPECT_FLOAT_EQ(fused.attributes.get_float("epsilon", 0), 1e-5f);
  const Tensor x = ModelBuilder::random_tensor({2, 3, 8}, -2, 2, 10);
  EXPECT_LT(optimized_max_difference(model, {{"x", x}}, 1), 1e-5);
}

TEST(FuseLayerNorm, NotWhenAnIntermediateIsReadElsewhereOrTheAxisDiffers) {
  ModelBuilder shared = decomposed_layer_norm();
  shared.output("d_out", {2, 3, 8});
  shared.node("Neg", {"d"}, {"d_out"});
  Graph graph = shared.build()->graph;
  EXPECT_EQ(passes::fuse_layer_norm(graph), 0);

  ModelBuilder other_axis = decomposed_layer_norm();
  auto model = other_axis.build();
  model->graph.nodes[0].attributes.set("axes", ints_attribute({1}));
  graph = model->graph;
  EXPECT_EQ(passes::fuse_layer_norm(graph), 0);
}

}  // namespace vigil::testing

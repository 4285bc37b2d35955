// SPDX-License-Identifier: Apache-2.0
// Identity and inference-mode Dropout removal: readers rewired, graph output names kept.
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

TEST(RemoveIdentity, RewiresReadersAndKeepsOutputNames) {
  ModelBuilder builder;
  builder.input("x", {2, 3}).output("y", {2, 3}).output("z", {2, 3});
  builder.node("Identity", {"x"}, {"a"});
  builder.node("Dropout", {"a"}, {"b"});
  builder.node("Relu", {"b"}, {"r"});
  builder.node("Identity", {"r"}, {"y"});  // a graph output: Relu writes "y" itself
  builder.node("Neg", {"y"}, {"z"});
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::remove_identity(graph), 3);
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].op_type, "Relu");
  EXPECT_EQ(graph.nodes[0].inputs[0], "x");
  EXPECT_EQ(graph.nodes[0].outputs[0], "y");
  const Tensor x = ModelBuilder::random_tensor({2, 3}, -1, 1, 1);
  EXPECT_EQ(optimized_max_difference(model, {{"x", x}}, 2), 0.0);
}

TEST(RemoveIdentity, KeepsCopiesThatMustStay) {
  ModelBuilder builder;
  builder.input("x", {4}).output("y", {4}).output("mask", {4}).output("d", {4});
  builder.node("Identity", {"x"}, {"y"});         // graph input to graph output
  builder.node("Dropout", {"x"}, {"d", "mask"});  // its mask is used
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(passes::remove_identity(graph), 0);
  EXPECT_EQ(graph.nodes.size(), 2u);
}

}  // namespace vigil::testing

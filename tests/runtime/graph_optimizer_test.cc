// SPDX-License-Identifier: Apache-2.0
// The optimisation pipeline: constant folding (shape arithmetic, bounds, what must not
// fold), the pass report, and Session's optimize option.
#include "runtime/graph_optimizer.h"

#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "runtime/constant_folding.h"

namespace vigil::testing {

namespace {

// The exporters' reshape: Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])).
ModelBuilder shape_arithmetic() {
  ModelBuilder builder;
  builder.input("x", {2, 3, 4}).output("y", {2, 12}).shape("x", {2, 3, 4});
  builder.constant("zero", Tensor::scalar<int64_t>(0));
  builder.constant("axes", Tensor::from_vector<int64_t>({1}, {0}));
  builder.constant("minus_one", Tensor::from_vector<int64_t>({1}, {-1}));
  builder.node("Shape", {"x"}, {"shape"});
  builder.node("Gather", {"shape", "zero"}, {"batch"}).attributes.set("axis", int_attribute(0));
  builder.node("Unsqueeze", {"batch", "axes"}, {"batch1"});
  builder.node("Concat", {"batch1", "minus_one"}, {"target"}).attributes.set("axis", int_attribute(0));
  builder.node("Reshape", {"x", "target"}, {"y"});
  return builder;
}

}  // namespace

TEST(ConstantFolding, ShapeArithmeticOfAKnownShape) {
  auto model = shape_arithmetic().build();
  Graph graph = model->graph;
  EXPECT_EQ(fold_constants(graph, *model), 4);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].op_type, "Reshape");
  EXPECT_EQ(graph.initializers.at("target").to_int64_vector(), (std::vector<int64_t>{2, -1}));
  const Tensor x = ModelBuilder::random_tensor({2, 3, 4}, -1, 1, 12);
  EXPECT_EQ(optimized_max_difference(model, {{"x", x}}, 1), 0.0);
}

TEST(ConstantFolding, ConstantNodesAndWeightTransposes) {
  ModelBuilder builder;
  builder.input("x", {2, 3}).output("y", {2, 4});
  builder.random_constant("W", {4, 3});
  Node& constant = builder.node("Constant", {}, {"c"});
  Attribute value;
  value.type = AttributeType::Tensor;
  value.t = Tensor::scalar<float>(2);
  constant.attributes.set("value", value);
  builder.node("Transpose", {"W"}, {"Wt"}).attributes.set("perm", ints_attribute({1, 0}));
  builder.node("MatMul", {"x", "Wt"}, {"m"});
  builder.node("Mul", {"m", "c"}, {"y"});
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(fold_constants(graph, *model), 2);
  EXPECT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.initializers.at("Wt").shape(), (Shape{3, 4}));
  const Tensor x = ModelBuilder::random_tensor({2, 3}, -1, 1, 13);
  EXPECT_LT(optimized_max_difference(model, {{"x", x}}), 1e-6);
}

TEST(ConstantFolding, NotWhenHugeOverridableOrAGraphOutput) {
  ModelBuilder builder;
  builder.input("x", {1}).input("w", {1}).output("big", {1024, 1024}).output("z", {1}).output("k", {1});
  builder.constant("big_shape", Tensor::from_vector<int64_t>({2}, {1024, 1024}));
  builder.constant("w", Tensor::from_vector<float>({1}, {3}));  // also an input: a feed may replace it
  builder.constant("one", Tensor::from_vector<float>({1}, {1}));
  builder.node("ConstantOfShape", {"big_shape"}, {"huge"});
  builder.node("Add", {"huge", "x"}, {"big"});
  builder.node("Neg", {"w"}, {"z"});
  builder.node("Neg", {"one"}, {"k"});
  auto model = builder.build();
  Graph graph = model->graph;
  EXPECT_EQ(fold_constants(graph, *model), 0);
  EXPECT_EQ(graph.nodes.size(), 4u);
}

TEST(GraphOptimizer, ReportAndSessionOption) {
  auto model = shape_arithmetic().build();
  Graph graph = model->graph;
  const OptimizationReport report = optimize_graph(graph, *model);
  EXPECT_EQ(report.nodes_before, 5u);
  EXPECT_EQ(report.nodes_after, 1u);
  ASSERT_FALSE(report.passes.empty());
  EXPECT_EQ(report.passes[0].pass, "remove_identity");
  bool folded = false;
  for (const auto& pass : report.passes) folded |= pass.pass == "constant_folding" && pass.rewrites == 4;
  EXPECT_TRUE(folded);
  // Unread initializers are dropped; the session's own model is left as it was.
  EXPECT_EQ(graph.initializers.count("zero"), 0u);
  EXPECT_EQ(Session(model, SessionOptions{1, false}).graph().nodes.size(), 5u);
  EXPECT_EQ(Session(model).graph().nodes.size(), 1u);
  EXPECT_EQ(model->graph.nodes.size(), 5u);
}

// Values a subgraph reads from the main graph keep their names: the Identity that writes
// one stays, the constant it copies is folded only into an initializer of that name.
TEST(GraphOptimizer, ValuesReadBySubgraphsKeepTheirNames) {
  auto branch = [](const std::string& op_type) {
    auto body = std::make_shared<Graph>();
    body->outputs.push_back({"out", DType::Float32, true, {Dim{3, ""}}});
    Node node;
    node.op_type = op_type;
    node.inputs = {"copied"};
    node.outputs = {"out"};
    body->nodes.push_back(node);
    Attribute attribute;
    attribute.type = AttributeType::Graph;
    attribute.g = body;
    return attribute;
  };
  ModelBuilder builder;
  builder.input("x", {3}).input("cond", {}).output("y", {3});
  builder.node("Relu", {"x"}, {"r"});
  builder.node("Identity", {"r"}, {"copied"});
  Node& branch_node = builder.node("If", {"cond"}, {"y"});
  branch_node.attributes.set("then_branch", branch("Neg"));
  branch_node.attributes.set("else_branch", branch("Abs"));
  auto model = builder.build();
  model->graph.inputs[1].dtype = DType::Bool;
  Session optimized(model);
  EXPECT_EQ(optimized.graph().nodes.size(), 2u);  // Relu writes "copied" itself
  const Tensor x = Tensor::from_vector<float>({3}, {-1, 2, -3});
  for (bool cond : {true, false}) {
    const Tensor y = optimized.run({{"x", x}, {"cond", Tensor::scalar<bool>(cond)}})[0];
    EXPECT_EQ(y.to_double_vector(), cond ? (std::vector<double>{0, -2, 0}) : (std::vector<double>{0, 2, 0}));
  }
}

}  // namespace vigil::testing

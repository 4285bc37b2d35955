// SPDX-License-Identifier: Apache-2.0
// Conv + Add(residual) + activation -> vigil.FusedConv: the node written, the attribute
// format ops/fused_activation.h reads, the illegal cases, and (once the FusedConv operator
// is registered) numerics against the unfused graph.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "ops/fused_activation.h"

namespace vigil::testing {

namespace {

// Conv(x, W[, B]) -> c; Add(c, z) -> s; `activation`(s) -> y. `z_shape` is the residual's.
ModelBuilder conv_add_activation(const std::string& activation, const Shape& z_shape = {1, 4, 6, 6},
                                 bool with_bias = true) {
  ModelBuilder builder;
  builder.input("x", {1, 3, 6, 6}).input("z", z_shape).output("y", {1, 4, 6, 6});
  builder.shape("c", {1, 4, 6, 6}).shape("s", {1, 4, 6, 6});
  builder.random_constant("W", {4, 3, 3, 3}).random_constant("B", {4});
  std::vector<std::string> conv_inputs = {"x", "W"};
  if (with_bias) conv_inputs.push_back("B");
  Node& conv = builder.node("Conv", conv_inputs, {"c"});
  conv.attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  builder.node("Add", {"z", "c"}, {activation.empty() ? "y" : "s"});
  if (!activation.empty()) builder.node(activation, {"s"}, {"y"});
  return builder;
}

}  // namespace

TEST(FuseConvActivation, ConvAddRelu) {
  for (bool with_bias : {true, false}) {
    auto model = conv_add_activation("Relu", {1, 4, 6, 6}, with_bias).build();
    Graph graph = model->graph;
    EXPECT_EQ(passes::fuse_conv_activation(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 1u);
    const Node& fused = graph.nodes[0];
    EXPECT_EQ(fused.domain, "vigil");
    EXPECT_EQ(fused.op_type, "FusedConv");
    EXPECT_EQ(fused.inputs, (std::vector<std::string>{"x", "W", with_bias ? "B" : "", "z"}));
    EXPECT_EQ(fused.outputs[0], "y");
    EXPECT_EQ(fused.attributes.get_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
    EXPECT_EQ(read_fused_activation(fused.attributes, "test").kind, kernels::Activation::Relu);
  }
}

TEST(FuseConvActivation, ActivationsAndTheirParameters) {
  ModelBuilder builder;
  builder.input("x", {1, 3, 6, 6}).output("y", {1, 4, 4, 4}).output("y2", {1, 4, 4, 4});
  builder.random_constant("W", {4, 3, 3, 3});
  builder.constant("lo", Tensor::scalar<float>(0)).constant("hi", Tensor::scalar<float>(6));
  builder.node("Conv", {"x", "W"}, {"c"});
  builder.node("Clip", {"c", "lo", "hi"}, {"y"});
  builder.node("Conv", {"x", "W"}, {"c2"});
  builder.node("LeakyRelu", {"c2"}, {"y2"}).attributes.set("alpha", passes::float_attribute(0.2f));
  Graph graph = builder.build()->graph;
  EXPECT_EQ(passes::fuse_conv_activation(graph), 2);
  ASSERT_EQ(count_ops(graph, "FusedConv"), 2);
  for (const Node& node : graph.nodes) {
    const kernels::ActivationSpec spec = read_fused_activation(node.attributes, "test");
    if (node.outputs[0] == "y") {
      EXPECT_EQ(spec.kind, kernels::Activation::Clip);
      EXPECT_EQ(spec.alpha, 0.0f);
      EXPECT_EQ(spec.beta, 6.0f);
      EXPECT_EQ(node.inputs.size(), 2u);
    } else {
      EXPECT_EQ(spec.kind, kernels::Activation::LeakyRelu);
      EXPECT_EQ(spec.alpha, 0.2f);
    }
  }
}

TEST(FuseConvActivation, NotWhenIllegal) {
  // The residual broadcasts: the Add stays, and with nothing else to fuse so does the Conv.
  Graph graph = conv_add_activation("", {1, 4, 1, 1}).build()->graph;
  EXPECT_EQ(passes::fuse_conv_activation(graph), 0);
  EXPECT_EQ(count_ops(graph, "Conv"), 1);

  // A second reader of the convolution's output.
  ModelBuilder shared = conv_add_activation("Relu");
  shared.output("c_neg", {1, 4, 6, 6});
  shared.node("Neg", {"c"}, {"c_neg"});
  graph = shared.build()->graph;
  EXPECT_EQ(passes::fuse_conv_activation(graph), 0);

  // The residual's shape unknown: only the activation could fuse, and it does not follow the Conv.
  ModelBuilder unknown;
  unknown.input("x", {1, 3, 6, 6}).input("z", {1, 4, 6, 6}).output("y", {1, 4, 6, 6});
  unknown.random_constant("W", {4, 3, 3, 3});
  unknown.node("Conv", {"x", "W"}, {"c"}).attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  unknown.node("Add", {"c", "z"}, {"s"});
  unknown.node("Relu", {"s"}, {"y"});
  graph = unknown.build()->graph;
  EXPECT_EQ(passes::fuse_conv_activation(graph), 0);
}

TEST(FuseConvActivation, SameOutputsAsUnfused) {
  if (!fused_operator_registered("FusedConv")) GTEST_SKIP() << "vigil.FusedConv is not registered yet";
  for (const char* activation : {"Relu", "Sigmoid", "Tanh", "HardSigmoid"}) {
    auto model = conv_add_activation(activation).build();
    const Tensor x = ModelBuilder::random_tensor({1, 3, 6, 6}, -1, 1, 4);
    const Tensor z = ModelBuilder::random_tensor({1, 4, 6, 6}, -1, 1, 5);
    EXPECT_LT(optimized_max_difference(model, {{"x", x}, {"z", z}}, 1), 1e-5) << activation;
  }
}

}  // namespace vigil::testing

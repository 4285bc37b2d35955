// SPDX-License-Identifier: Apache-2.0
// GELU written with Erf, in each operand order, -> vigil.Gelu; after a MatMul and its bias
// it becomes FusedMatMul's activation.
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

namespace {

enum class Order { HalfLast, HalfOfXFirst, HalfOfErf };

// x -> y = GELU(x) written in `order`; `x` itself is MatMul(a, W) + bias when `after_matmul`.
ModelBuilder erf_gelu(Order order, bool by_mul, bool after_matmul = false) {
  ModelBuilder builder;
  builder.input("a", {2, 6}).output("y", {2, 6});
  builder.constant("root2", Tensor::scalar<float>(by_mul ? std::sqrt(0.5f) : std::sqrt(2.0f)));
  builder.constant("one", Tensor::scalar<float>(1)).constant("half", Tensor::scalar<float>(0.5f));
  std::string x = "a";
  if (after_matmul) {
    builder.random_constant("W", {6, 6}).random_constant("bias", {6});
    builder.node("MatMul", {"a", "W"}, {"m"});
    builder.node("Add", {"m", "bias"}, {"x"});
    x = "x";
  }
  builder.node(by_mul ? "Mul" : "Div", {x, "root2"}, {"u"});
  builder.node("Erf", {"u"}, {"e"});
  builder.node("Add", {"one", "e"}, {"e1"});
  switch (order) {
    case Order::HalfLast:
      builder.node("Mul", {x, "e1"}, {"t"});
      builder.node("Mul", {"t", "half"}, {"y"});
      break;
    case Order::HalfOfXFirst:
      builder.node("Mul", {"half", x}, {"h"});
      builder.node("Mul", {"h", "e1"}, {"y"});
      break;
    case Order::HalfOfErf:
      builder.node("Mul", {"e1", "half"}, {"t"});
      builder.node("Mul", {x, "t"}, {"y"});
      break;
  }
  return builder;
}

}  // namespace

TEST(FuseGelu, EveryOperandOrder) {
  for (Order order : {Order::HalfLast, Order::HalfOfXFirst, Order::HalfOfErf}) {
    for (bool by_mul : {false, true}) {
      auto model = erf_gelu(order, by_mul).build();
      Graph graph = model->graph;
      EXPECT_EQ(passes::fuse_gelu(graph), 1);
      ASSERT_EQ(graph.nodes.size(), 1u);
      EXPECT_EQ(graph.nodes[0].domain, "vigil");
      EXPECT_EQ(graph.nodes[0].op_type, "Gelu");
      EXPECT_EQ(graph.nodes[0].inputs[0], "a");
      EXPECT_EQ(graph.nodes[0].outputs[0], "y");
      const Tensor a = ModelBuilder::random_tensor({2, 6}, -3, 3, 11);
      EXPECT_LT(optimized_max_difference(model, {{"a", a}}, 1), 1e-5);
    }
  }
}

TEST(FuseGelu, AbsorbedByTheMatMulBefore) {
  Graph graph = erf_gelu(Order::HalfLast, false, true).build()->graph;
  EXPECT_EQ(passes::fuse_gelu(graph), 1);
  EXPECT_EQ(passes::fuse_matmul(graph), 1);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_EQ(graph.nodes[0].op_type, "FusedMatMul");
  EXPECT_EQ(graph.nodes[0].inputs, (std::vector<std::string>{"a", "W", "bias"}));
  EXPECT_EQ(graph.nodes[0].attributes.get_string("activation", ""), "Gelu");
}

TEST(FuseGelu, NotWhenTheConstantIsWrong) {
  auto model = erf_gelu(Order::HalfLast, false).build();
  model->graph.initializers["half"] = Tensor::scalar<float>(0.25f);
  Graph graph = model->graph;
  EXPECT_EQ(passes::fuse_gelu(graph), 0);
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Graph validation: ordering, missing values, cycles, duplicate producers, outer values.
#include "graph/graph.h"

#include <gtest/gtest.h>

namespace vigil {

namespace {
Node make_node(const std::string& name, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  Node node;
  node.name = name;
  node.op_type = "Relu";
  node.inputs = std::move(inputs);
  node.outputs = std::move(outputs);
  return node;
}

Graph make_graph(std::vector<Node> nodes) {
  Graph graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{4, ""}}});
  graph.outputs.push_back({"y", DType::Float32, true, {{4, ""}}});
  graph.nodes = std::move(nodes);
  return graph;
}

std::string error_of(Graph graph) {
  try {
    graph.validate_and_sort();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Graph, SortsNodesTopologically) {
  Graph graph = make_graph({make_node("second", {"a"}, {"y"}), make_node("first", {"x"}, {"a"})});
  graph.validate_and_sort();
  ASSERT_EQ(graph.nodes.size(), 2u);
  EXPECT_EQ(graph.nodes[0].name, "first");
  EXPECT_EQ(graph.nodes[1].name, "second");
}

TEST(Graph, KeepsAnOrderThatIsAlreadyTopological) {
  Graph graph = make_graph({make_node("n0", {"x"}, {"a"}), make_node("n1", {"a"}, {"b"}), make_node("n2", {"x"}, {"c"}),
                            make_node("n3", {"b", "c"}, {"y"})});
  graph.validate_and_sort();
  std::vector<std::string> order;
  for (const Node& node : graph.nodes) order.push_back(node.name);
  EXPECT_EQ(order, (std::vector<std::string>{"n0", "n1", "n2", "n3"}));
}

TEST(Graph, NamesTheMissingValue) {
  const std::string message = error_of(make_graph({make_node("n", {"ghost"}, {"y"})}));
  EXPECT_NE(message.find("node 'n'"), std::string::npos) << message;
  EXPECT_NE(message.find("'ghost'"), std::string::npos) << message;
}

TEST(Graph, DetectsCycles) {
  const std::string message = error_of(
      make_graph({make_node("a", {"x", "c"}, {"b"}), make_node("b", {"b"}, {"c"}), make_node("o", {"x"}, {"y"})}));
  EXPECT_NE(message.find("cycle"), std::string::npos) << message;
}

TEST(Graph, DetectsTwoProducers) {
  const std::string message = error_of(make_graph({make_node("a", {"x"}, {"y"}), make_node("b", {"x"}, {"y"})}));
  EXPECT_NE(message.find("already produced by node 'a'"), std::string::npos) << message;
}

TEST(Graph, OptionalEmptyInputsAreAllowed) {
  Graph graph = make_graph({make_node("n", {"x", ""}, {"y"})});
  EXPECT_NO_THROW(graph.validate_and_sort());
}

TEST(Graph, OuterValuesOfSubgraphs) {
  auto body = std::make_shared<Graph>();
  body->nodes.push_back(make_node("inner", {"outer_a", "local"}, {"out"}));
  body->nodes.push_back(make_node("local_maker", {"outer_b"}, {"local"}));
  Attribute attribute;
  attribute.type = AttributeType::Graph;
  attribute.g = body;
  Node node = make_node("if", {"cond"}, {"y"});
  node.attributes.set("then_branch", attribute);
  EXPECT_EQ(node_outer_values(node), (std::vector<std::string>{"outer_a", "outer_b"}));
}

TEST(Attributes, TypedAccessAndErrors) {
  Attributes attributes;
  attributes.set_owner("node 'c' (Conv)");
  Attribute ints;
  ints.type = AttributeType::Ints;
  ints.ints = {1, 2};
  attributes.set("strides", ints);
  EXPECT_EQ(attributes.get_ints("strides"), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(attributes.get_int("group", 1), 1);
  try {
    attributes.get_int("strides", 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("node 'c' (Conv): attribute 'strides' is a ints"), std::string::npos);
  }
  EXPECT_THROW(attributes.require_int("kernel"), Error);
}

}  // namespace vigil

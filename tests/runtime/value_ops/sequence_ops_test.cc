// SPDX-License-Identifier: Apache-2.0
// Sessions over sequences and optionals: the sequence operators, the optional
// operators, control flow carrying a sequence, and sequences refused by tensor operators.
#include <gtest/gtest.h>

#include "runtime/session.h"

namespace vigil {

namespace {

Node node(const std::string& op_type, std::vector<std::string> inputs, std::vector<std::string> outputs,
          std::map<std::string, Attribute> attributes = {}) {
  Node n;
  n.name = outputs.at(0);
  n.op_type = op_type;
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  n.attributes.set_owner(n.describe());
  for (auto& [name, value] : attributes) n.attributes.set(name, std::move(value));
  return n;
}

Attribute int_attribute(int64_t value) {
  Attribute a;
  a.type = AttributeType::Int;
  a.i = value;
  return a;
}

ValueInfo declared(const std::string& name, TypeKind kind, DType dtype, bool optional = false) {
  ValueInfo info;
  info.name = name;
  info.dtype = dtype;
  info.kind = kind;
  info.optional = optional;
  return info;
}

std::shared_ptr<Model> make_model(std::vector<ValueInfo> inputs, std::vector<Node> nodes,
                                  std::vector<ValueInfo> outputs) {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 17;
  model->graph.inputs = std::move(inputs);
  model->graph.nodes = std::move(nodes);
  model->graph.outputs = std::move(outputs);
  model->graph.validate_and_sort();
  return model;
}

std::vector<int64_t> ints(const Tensor& tensor) { return tensor.to_int64_vector(); }

Tensor int_vector(std::vector<int64_t> values) {
  const auto n = static_cast<int64_t>(values.size());
  return Tensor::from_vector<int64_t>({n}, values);
}

}  // namespace

std::string run_error(Session& session, const std::map<std::string, Value>& feeds) {
  try {
    session.run_values(feeds);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(SequenceOps, ConstructInsertAtEraseLength) {
  const ValueInfo a = declared("a", TypeKind::Tensor, DType::Int64);
  const ValueInfo b = declared("b", TypeKind::Tensor, DType::Int64);
  const ValueInfo position = declared("position", TypeKind::Tensor, DType::Int64);
  Session session(make_model(
      {a, b, position},
      {node("SequenceConstruct", {"a", "b"}, {"seq"}), node("SequenceInsert", {"seq", "b", "position"}, {"seq2"}),
       node("SequenceErase", {"seq2"}, {"seq3"}), node("SequenceLength", {"seq3"}, {"length"}),
       node("SequenceAt", {"seq3", "position"}, {"picked"})},
      {declared("seq3", TypeKind::Sequence, DType::Int64), declared("length", TypeKind::Tensor, DType::Int64),
       declared("picked", TypeKind::Tensor, DType::Int64)}));
  // [a, b] -> insert b at -1 -> [a, b, b] -> erase the last -> [a, b]; then the element at -1.
  const std::vector<Value> results = session.run_values(
      {{"a", int_vector({1})}, {"b", int_vector({2, 3})}, {"position", Tensor::scalar<int64_t>(-1)}});
  ASSERT_TRUE(results[0].is_sequence());
  ASSERT_EQ(results[0].elements().size(), 2u);
  EXPECT_EQ(ints(results[0].elements()[0]), (std::vector<int64_t>{1}));
  EXPECT_EQ(ints(results[1].tensor()), (std::vector<int64_t>{2}));
  EXPECT_EQ(ints(results[2].tensor()), (std::vector<int64_t>{2, 3}));
  // Position 2 is past the end of a two-element sequence for SequenceAt.
  EXPECT_NE(
      run_error(session, {{"a", int_vector({1})}, {"b", int_vector({2})}, {"position", Tensor::scalar<int64_t>(2)}})
          .find("position 2 is outside a sequence of 2 elements"),
      std::string::npos);
}

TEST(SequenceOps, SplitAndConcat) {
  const ValueInfo x = declared("x", TypeKind::Tensor, DType::Int64);
  const ValueInfo split = declared("split", TypeKind::Tensor, DType::Int64);
  Session session(make_model(
      {x, split},
      {node("SplitToSequence", {"x", "split"}, {"parts"}, {{"axis", int_attribute(1)}}),
       node("SplitToSequence", {"x"}, {"columns"}, {{"axis", int_attribute(1)}, {"keepdims", int_attribute(0)}}),
       node("ConcatFromSequence", {"parts"}, {"joined"}, {{"axis", int_attribute(1)}}),
       node("ConcatFromSequence", {"columns"}, {"stacked"},
            {{"axis", int_attribute(-1)}, {"new_axis", int_attribute(1)}})},
      {declared("parts", TypeKind::Sequence, DType::Int64), declared("joined", TypeKind::Tensor, DType::Int64),
       declared("stacked", TypeKind::Tensor, DType::Int64)}));
  const Tensor matrix = Tensor::from_vector<int64_t>({2, 3}, {1, 2, 3, 4, 5, 6});
  // A scalar split of 2 over 3 columns: parts of 2 and 1 columns.
  std::vector<Value> results = session.run_values({{"x", matrix}, {"split", Tensor::scalar<int64_t>(2)}});
  const auto& parts = results[0].elements();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].shape(), (Shape{2, 2}));
  EXPECT_EQ(ints(parts[1]), (std::vector<int64_t>{3, 6}));
  EXPECT_EQ(results[1].tensor().shape(), (Shape{2, 3}));
  EXPECT_EQ(ints(results[1].tensor()), ints(matrix));
  // Columns without keepdims are [2] each; stacked on a new last axis they rebuild x.
  EXPECT_EQ(results[2].tensor().shape(), (Shape{2, 3}));
  EXPECT_EQ(ints(results[2].tensor()), ints(matrix));
  // Explicit sizes must add up to the axis.
  EXPECT_NE(run_error(session, {{"x", matrix}, {"split", int_vector({1, 1})}}).find("add up to 2, the axis has 3"),
            std::string::npos);
}

TEST(SequenceOps, Optionals) {
  const ValueInfo maybe = declared("maybe", TypeKind::Tensor, DType::Float32, true);
  Session session(make_model(
      {maybe}, {node("OptionalHasElement", {"maybe"}, {"has"}), node("Identity", {"maybe"}, {"same"})},
      {declared("has", TypeKind::Tensor, DType::Bool), declared("same", TypeKind::Tensor, DType::Float32, true)}));
  std::vector<Value> results = session.run_values({{"maybe", Value::none()}});
  EXPECT_FALSE(results[0].tensor().data<bool>()[0]);
  EXPECT_TRUE(results[1].is_none());  // Identity passes the empty optional on
  results = session.run_values({{"maybe", Value::some(Tensor::scalar<float>(1))}});
  EXPECT_TRUE(results[0].tensor().data<bool>()[0]);
  EXPECT_TRUE(results[1].is_optional() && results[1].is_tensor());
  // A sequence is not what the input declares.
  EXPECT_NE(run_error(session, {{"maybe", Value::sequence({})}}).find("expected optional<float32[?]>"),
            std::string::npos);

  Session get(make_model({maybe}, {node("OptionalGetElement", {"maybe"}, {"value"})},
                         {declared("value", TypeKind::Tensor, DType::Float32)}));
  EXPECT_EQ(get.run_values({{"maybe", Value::some(Tensor::scalar<float>(4))}})[0].tensor().data<float>()[0], 4);
  EXPECT_NE(run_error(get, {{"maybe", Value::none()}}).find("the optional input is empty"), std::string::npos);
}

TEST(SequenceOps, TensorOperatorsRefuseSequences) {
  const ValueInfo seq = declared("seq", TypeKind::Sequence, DType::Float32);
  Session session(make_model({seq}, {node("Relu", {"seq"}, {"y"})}, {declared("y", TypeKind::Tensor, DType::Float32)}));
  const std::string error = run_error(session, {{"seq", Value::sequence({Tensor(DType::Float32, {2})})}});
  EXPECT_NE(error.find("node 'y' (Relu): input #0 is a sequence; Relu takes tensors"), std::string::npos) << error;
  // A tensor-only caller gets a clear error for a sequence output.
  Session empty(
      make_model({}, {node("SequenceEmpty", {}, {"out"})}, {declared("out", TypeKind::Sequence, DType::Float32)}));
  try {
    empty.run({});
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::BadInput);
    EXPECT_STREQ(e.what(), "graph output 'out' must be a tensor, got a sequence of 0 tensors");
  }
}

TEST(SequenceOps, LoopAndSequenceMapCarrySequences) {
  // Loop body: append the iteration number to the carried sequence.
  auto body = std::make_shared<Graph>();
  body->name = "body";
  body->inputs = {declared("i", TypeKind::Tensor, DType::Int64), declared("cond_in", TypeKind::Tensor, DType::Bool),
                  declared("seq_in", TypeKind::Sequence, DType::Int64)};
  body->nodes = {node("Identity", {"cond_in"}, {"cond_out"}), node("SequenceInsert", {"seq_in", "i"}, {"seq_out"})};
  body->outputs = {declared("cond_out", TypeKind::Tensor, DType::Bool),
                   declared("seq_out", TypeKind::Sequence, DType::Int64)};
  Attribute body_attribute;
  body_attribute.type = AttributeType::Graph;
  body_attribute.g = body;

  // SequenceMap body: each element plus the tensor input.
  auto map_body = std::make_shared<Graph>();
  map_body->name = "map";
  map_body->inputs = {declared("e", TypeKind::Tensor, DType::Int64), declared("k", TypeKind::Tensor, DType::Int64)};
  map_body->nodes = {node("Add", {"e", "k"}, {"sum"})};
  map_body->outputs = {declared("sum", TypeKind::Tensor, DType::Int64)};
  Attribute map_attribute;
  map_attribute.type = AttributeType::Graph;
  map_attribute.g = map_body;

  const ValueInfo trips = declared("trips", TypeKind::Tensor, DType::Int64);
  const ValueInfo k = declared("k_outer", TypeKind::Tensor, DType::Int64);
  Session session(make_model(
      {trips, k},
      {node("SequenceEmpty", {}, {"empty"}, {{"dtype", int_attribute(static_cast<int64_t>(DType::Int64))}}),
       node("Loop", {"trips", "", "empty"}, {"seq"}, {{"body", body_attribute}}),
       node("SequenceMap", {"seq", "k_outer"}, {"mapped"}, {{"body", map_attribute}})},
      {declared("seq", TypeKind::Sequence, DType::Int64), declared("mapped", TypeKind::Sequence, DType::Int64)}));
  const std::vector<Value> results =
      session.run_values({{"trips", Tensor::scalar<int64_t>(3)}, {"k_outer", Tensor::scalar<int64_t>(10)}});
  const auto& seq = results[0].elements();
  ASSERT_EQ(seq.size(), 3u);
  EXPECT_EQ(ints(seq[2]), (std::vector<int64_t>{2}));
  const auto& mapped = results[1].elements();
  ASSERT_EQ(mapped.size(), 3u);
  EXPECT_EQ(ints(mapped[0]), (std::vector<int64_t>{10}));
  EXPECT_EQ(ints(mapped[2]), (std::vector<int64_t>{12}));
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The QDQ plan and writer on a small hand-built graph: x -> MatMul(W) -> Add(C) -> Relu ->
// Transpose -> Sigmoid. Which tensors get pairs (the Add output read only by the Relu does
// not), the weight axes, the pass-through scale, the rewiring (the float Sigmoid reads the
// dequantized Transpose output, an excluded node its float input) and the ONNX checker.
#include "quant/qdq_plan.h"

#include <gtest/gtest.h>

#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/tensor_proto.h"
#include "quant/qdq_writer.h"

namespace vigil::quant {
namespace {

void add_node(onnx::GraphProto& graph, const std::string& op, const std::vector<std::string>& inputs,
              const std::string& output) {
  onnx::NodeProto* node = graph.add_node();
  node->set_op_type(op);
  node->set_name(op);
  for (const std::string& input : inputs) node->add_input(input);
  node->add_output(output);
}

void add_value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* values, const std::string& name,
               const std::vector<int64_t>& dims) {
  onnx::ValueInfoProto* value = values->Add();
  value->set_name(name);
  auto* tensor = value->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tensor->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::ModelProto small_model() {
  onnx::ModelProto model;
  model.set_ir_version(7);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto& graph = *model.mutable_graph();
  graph.set_name("small");
  add_value(graph.mutable_input(), "x", {2, 4});
  add_value(graph.mutable_output(), "out", {3, 2});
  onnx::TensorProto* w = graph.add_initializer();
  w->set_name("W");
  tensor_to_proto(Tensor::from_vector<float>({4, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12}), *w);
  onnx::TensorProto* c = graph.add_initializer();
  c->set_name("C");
  tensor_to_proto(Tensor::from_vector<float>({3}, {0.5f, -1, 2}), *c);
  add_node(graph, "MatMul", {"x", "W"}, "y");
  add_node(graph, "Add", {"y", "C"}, "z");
  add_node(graph, "Relu", {"z"}, "r");
  add_node(graph, "Transpose", {"r"}, "t");
  add_node(graph, "Sigmoid", {"t"}, "out");
  return model;
}

const onnx::NodeProto& node_named(const onnx::GraphProto& graph, const std::string& name) {
  for (const auto& node : graph.node()) {
    if (node.name() == name) return node;
  }
  throw std::runtime_error("no node " + name);
}

TEST(QdqPlan, ChoosesTensorsWeightsAndPassThrough) {
  const onnx::ModelProto model = small_model();
  const QdqPlan plan = plan_qdq(model.graph(), true, {});
  EXPECT_EQ(plan.quantized_nodes, (std::set<size_t>{0, 1, 2, 3}));  // not the Sigmoid
  EXPECT_EQ(plan.activations, (std::vector<std::string>{"x", "y", "r", "t"}));
  EXPECT_EQ(plan.same_as, (std::map<std::string, std::string>{{"t", "r"}}));
  EXPECT_EQ(plan.weights, (std::map<std::string, int64_t>{{"W", 1}, {"C", -1}}));
  EXPECT_TRUE(plan.biases.empty());  // MatMul has none; the Add's constant is a weight

  const QdqPlan per_tensor = plan_qdq(model.graph(), false, {"Relu"});
  EXPECT_EQ(per_tensor.weights.at("W"), -1);
  // With the Relu in float, the Add's output gets its own pair and the Relu output (read
  // by the quantized Transpose) one too, but no longer as an output of a quantized node.
  EXPECT_EQ(per_tensor.activations, (std::vector<std::string>{"x", "y", "z", "r", "t"}));
  EXPECT_THROW(plan_qdq(model.graph(), true, {"Softmax"}), Error);
}

TEST(QdqPlan, WriterRewiresAndPassesTheChecker) {
  onnx::ModelProto model = small_model();
  const QdqPlan plan = plan_qdq(model.graph(), true, {});
  const std::map<std::string, ScaleZeroPoint> parameters = {
      {"x", {0.5f, 3}}, {"y", {0.25f, 100}}, {"r", {0.125f, 0}}, {"t", {0.125f, 0}}};
  const QdqSummary summary = write_qdq(model, plan, parameters, ActivationScheme{}, 1.0f, "");
  EXPECT_EQ(summary.activations, 4);
  EXPECT_EQ(summary.weights, 2);
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  const onnx::GraphProto& graph = model.graph();
  EXPECT_EQ(node_named(graph, "MatMul").input(0), "x_DequantizeLinear_Output");
  EXPECT_EQ(node_named(graph, "MatMul").input(1), "W_DequantizeLinear_Output");
  EXPECT_EQ(node_named(graph, "Add").input(0), "y_DequantizeLinear_Output");
  EXPECT_EQ(node_named(graph, "Add").input(1), "C_DequantizeLinear_Output");
  EXPECT_EQ(node_named(graph, "Relu").input(0), "z");
  EXPECT_EQ(node_named(graph, "Sigmoid").input(0), "t_DequantizeLinear_Output");
  EXPECT_EQ(node_named(graph, "W_DequantizeLinear").attribute(0).i(), 1);
  // The float weights are gone, replaced by int8 values with one scale per column.
  for (const auto& init : graph.initializer()) {
    EXPECT_NE(init.name(), "W");
    if (init.name() == "W_quantized") {
      EXPECT_EQ(init.data_type(), onnx::TensorProto::INT8);
    }
    if (init.name() == "W_scale") {
      EXPECT_EQ(init.dims(0), 3);
    }
    if (init.name() == "x_zero_point") {
      EXPECT_EQ(tensor_from_proto(init, "", "zp").data<uint8_t>()[0], 3);
    }
  }
}

TEST(QdqPlan, QonnxWritesQuantNodes) {
  onnx::ModelProto model = small_model();
  const QdqPlan plan = plan_qdq(model.graph(), true, {});
  const std::map<std::string, ScaleZeroPoint> parameters = {
      {"x", {0.5f, 3}}, {"y", {0.25f, 100}}, {"r", {0.125f, 0}}, {"t", {0.125f, 0}}};
  write_qdq(model, plan, parameters, ActivationScheme{}, 1.0f, "", QuantFormat::Qonnx);
  EXPECT_NO_THROW(onnx::checker::check_model(model));
  const onnx::GraphProto& graph = model.graph();
  int quants = 0;
  for (const auto& node : graph.node()) {
    EXPECT_NE(node.op_type(), "QuantizeLinear");
    EXPECT_NE(node.op_type(), "DequantizeLinear");
    if (node.op_type() != "Quant") continue;
    ++quants;
    EXPECT_EQ(node.domain(), kQonnxDomain);
    EXPECT_EQ(node.input_size(), 4);  // x, scale, zero point, bit width
  }
  EXPECT_EQ(quants, 6);  // four activations, two weights
  EXPECT_EQ(node_named(graph, "MatMul").input(1), "W_Quant_Output");
  EXPECT_EQ(node_named(graph, "Sigmoid").input(0), "t_Quant_Output");
  const onnx::NodeProto& w = node_named(graph, "W_Quant");
  EXPECT_EQ(w.input(0), "W");  // the float weight stays, quantized by the node
  for (const auto& init : graph.initializer()) {
    if (init.name() == "W_scale") {
      EXPECT_EQ(std::vector<int64_t>(init.dims().begin(), init.dims().end()), (std::vector<int64_t>{1, 3}));
    }
    if (init.name() == "x_zero_point") {
      EXPECT_EQ(tensor_from_proto(init, "", "zp").data<float>()[0], 3.0f);
    }
  }
  bool imports_qonnx = false;
  for (const auto& opset : model.opset_import()) imports_qonnx = imports_qonnx || opset.domain() == kQonnxDomain;
  EXPECT_TRUE(imports_qonnx);
}

TEST(QdqPlan, RefusesAQuantizedModel) {
  onnx::ModelProto model = small_model();
  add_node(*model.mutable_graph(), "QuantizeLinear", {"out", "s"}, "q");
  EXPECT_THROW(plan_qdq(model.graph(), true, {}), Error);
}

}  // namespace
}  // namespace vigil::quant

// SPDX-License-Identifier: Apache-2.0
// The QDQ plan, from the node list, the initializers and who reads what.
#include "quant/qdq_plan.h"

#include <algorithm>

#include "core/error.h"
#include "onnx/onnx_pb.h"

namespace vigil::quant {

namespace {

const std::set<std::string> kQuantizedOps = {
    "Conv",   "Gemm", "MatMul", "Add",     "Mul",     "MaxPool",  "AveragePool", "GlobalAveragePool",
    "Concat", "Relu", "Clip",   "Reshape", "Flatten", "Transpose"};
const std::set<std::string> kPassThroughOps = {"MaxPool", "Reshape", "Flatten", "Transpose"};
const std::set<std::string> kFusableProducers = {"Conv", "Gemm", "MatMul", "Add", "Mul"};
const std::set<std::string> kActivationOps = {"Relu", "Clip"};

bool default_domain(const onnx::NodeProto& node) { return node.domain().empty() || node.domain() == "ai.onnx"; }

float float_attribute(const onnx::NodeProto& node, const std::string& name, float otherwise) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.f();
  }
  return otherwise;
}

int64_t int_attribute(const onnx::NodeProto& node, const std::string& name, int64_t otherwise) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return a.i();
  }
  return otherwise;
}

// The graph's tensors and their readers.
struct GraphIndex {
  std::map<std::string, const onnx::TensorProto*> initializers;
  std::map<std::string, std::vector<size_t>> readers;
  std::set<std::string> outputs;

  explicit GraphIndex(const onnx::GraphProto& graph) {
    for (const auto& init : graph.initializer()) initializers[init.name()] = &init;
    for (int i = 0; i < graph.node_size(); ++i) {
      for (const std::string& input : graph.node(i).input()) {
        if (!input.empty()) readers[input].push_back(static_cast<size_t>(i));
      }
    }
    for (const auto& output : graph.output()) outputs.insert(output.name());
  }
  const onnx::TensorProto* float_initializer(const std::string& name) const {
    const auto it = initializers.find(name);
    return it != initializers.end() && it->second->data_type() == onnx::TensorProto::FLOAT ? it->second : nullptr;
  }
};

}  // namespace

QdqPlan plan_qdq(const onnx::GraphProto& graph, bool per_channel, const std::vector<std::string>& exclude) {
  const GraphIndex index(graph);
  std::set<std::string> node_names;
  for (const auto& node : graph.node()) {
    check_input(!(default_domain(node) && (node.op_type() == "QuantizeLinear" || node.op_type() == "DequantizeLinear")),
                "the model is already quantized: it holds ", node.op_type(), " node '", node.name(), "'");
    node_names.insert(node.name());
  }
  for (const std::string& name : exclude) {
    check_input(node_names.count(name) > 0, "--exclude: the model has no node named '", name, "'");
  }
  QdqPlan plan;
  plan.excluded.insert(exclude.begin(), exclude.end());
  const std::set<std::string>& excluded = plan.excluded;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    if (default_domain(node) && kQuantizedOps.count(node.op_type()) && !excluded.count(node.name())) {
      plan.quantized_nodes.insert(static_cast<size_t>(i));
    }
  }
  const auto quantized = [&](size_t i) { return plan.quantized_nodes.count(i) > 0; };
  const auto producer_fuses = [&](size_t i) {
    const auto& node = graph.node(static_cast<int>(i));
    if (!quantized(i) || !kFusableProducers.count(node.op_type())) return false;
    const std::string& output = node.output(0);
    const auto readers = index.readers.find(output);
    return !index.outputs.count(output) && readers != index.readers.end() && readers->second.size() == 1 &&
           quantized(readers->second[0]) &&
           kActivationOps.count(graph.node(static_cast<int>(readers->second[0])).op_type());
  };
  std::map<std::string, size_t> producer;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const std::string& output : graph.node(i).output()) producer[output] = static_cast<size_t>(i);
  }

  std::set<std::string> activations;
  const auto add_weight = [&](size_t node, int input, int64_t axis) {
    const std::string& name = graph.node(static_cast<int>(node)).input(input);
    if (!index.float_initializer(name)) return false;
    const auto [it, added] = plan.weights.emplace(name, per_channel ? axis : -1);
    if (!added && it->second != (per_channel ? axis : -1)) it->second = -1;  // shared with another layout
    plan.quantized_inputs[node][input] = name;
    return true;
  };
  const auto add_data = [&](size_t node, int input) {
    const std::string& name = graph.node(static_cast<int>(node)).input(input);
    if (name.empty()) return;
    if (index.initializers.count(name)) {
      add_weight(node, input, -1);
      return;
    }
    const auto from = producer.find(name);
    if (from != producer.end() && producer_fuses(from->second)) return;
    activations.insert(name);
    plan.quantized_inputs[node][input] = name;
  };

  for (size_t i : plan.quantized_nodes) {
    const auto& node = graph.node(static_cast<int>(i));
    const std::string& op = node.op_type();
    const int inputs = node.input_size();
    if (op == "Add" || op == "Mul" || op == "Concat") {
      for (int j = 0; j < inputs; ++j) add_data(i, j);
    } else {
      add_data(i, 0);
    }
    if ((op == "Conv" || op == "Gemm" || op == "MatMul") && inputs >= 2) {
      const onnx::TensorProto* weight = index.float_initializer(node.input(1));
      int64_t axis = 0;
      if (op == "Gemm") axis = int_attribute(node, "transB", 0) ? 0 : 1;
      if (op == "MatMul") axis = weight && weight->dims_size() >= 2 ? weight->dims_size() - 1 : -1;
      const bool weighted = weight ? add_weight(i, 1, axis) : (add_data(i, 1), false);
      // The bias: one per output channel, read by this node alone.
      if (weighted && op != "MatMul" && inputs >= 3 && node.input(0) != "" && activations.count(node.input(0))) {
        const onnx::TensorProto* bias = index.float_initializer(node.input(2));
        const int64_t channels =
            weight->dims_size() >= 2 ? weight->dims(op == "Gemm" ? static_cast<int>(axis) : 0) : -1;
        if (bias && bias->dims_size() == 1 && bias->dims(0) == channels &&
            index.readers.at(node.input(2)).size() == 1 && !plan.weights.count(node.input(2)) &&
            (op == "Conv" || float_attribute(node, "beta", 1.0f) == 1.0f)) {
          plan.biases.push_back({node.input(2), node.input(0), node.input(1)});
          plan.quantized_inputs[i][2] = node.input(2);
        }
      }
    }
    const std::string& output = node.output(0);
    if (index.readers.count(output) && !producer_fuses(i)) activations.insert(output);
  }

  // Production order, so that a pass-through output comes after its input.
  for (const auto& input : graph.input()) {
    if (activations.count(input.name())) plan.activations.push_back(input.name());
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto& node = graph.node(i);
    for (const std::string& output : node.output()) {
      if (!activations.count(output)) continue;
      plan.activations.push_back(output);
      if (quantized(static_cast<size_t>(i)) && kPassThroughOps.count(node.op_type()) && output == node.output(0) &&
          activations.count(node.input(0))) {
        plan.same_as[output] = node.input(0);
      }
    }
  }
  return plan;
}

}  // namespace vigil::quant

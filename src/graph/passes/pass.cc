// SPDX-License-Identifier: Apache-2.0
// The graph index and the rewrite helpers every pass shares.
#include "graph/passes/pass.h"

#include <algorithm>

namespace vigil::passes {

GraphIndex::GraphIndex(const Graph& graph) : graph_(graph) {
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    for (const std::string& output : node.outputs) {
      if (!output.empty()) producer_[output] = n;
    }
    for (const std::string& input : node.inputs) {
      if (input.empty()) continue;
      ++read_count_[input];
      std::vector<size_t>& readers = readers_[input];
      if (readers.empty() || readers.back() != n) readers.push_back(n);
    }
    for (const std::string& outer : node_outer_values(node)) pinned_.insert(outer);
  }
  for (const ValueInfo& output : graph.outputs) pinned_.insert(output.name);
  for (const ValueInfo& input : graph.inputs) {
    feedable_.insert(input.name);
    infos_[input.name] = &input;
  }
  for (const ValueInfo& output : graph.outputs) infos_.try_emplace(output.name, &output);
  for (const ValueInfo& info : graph.value_infos) infos_.try_emplace(info.name, &info);

  static const std::set<std::string> same_type_as_input = {"Add",
                                                           "Sub",
                                                           "Mul",
                                                           "Div",
                                                           "Pow",
                                                           "MatMul",
                                                           "Gemm",
                                                           "Conv",
                                                           "Relu",
                                                           "LeakyRelu",
                                                           "Sigmoid",
                                                           "Tanh",
                                                           "HardSigmoid",
                                                           "Clip",
                                                           "Erf",
                                                           "Sqrt",
                                                           "Neg",
                                                           "Abs",
                                                           "Exp",
                                                           "Softmax",
                                                           "ReduceMean",
                                                           "Transpose",
                                                           "Reshape",
                                                           "Flatten",
                                                           "Squeeze",
                                                           "Unsqueeze",
                                                           "Identity",
                                                           "Dropout",
                                                           "BatchNormalization",
                                                           "LayerNormalization",
                                                           "MaxPool",
                                                           "AveragePool",
                                                           "GlobalAveragePool",
                                                           "Concat",
                                                           "Slice",
                                                           "Gather"};
  for (const Node& node : graph.nodes) {  // topological order: inputs are typed first
    const bool preserves = node.domain.empty() ? same_type_as_input.count(node.op_type) != 0 : node.domain == "vigil";
    // Output 0 only: later outputs may differ (Dropout's mask, MaxPool's indices).
    if (!preserves || node.inputs.empty() || node.outputs.empty() || node.outputs[0].empty()) continue;
    if (dtype(node.outputs[0]) == DType::Undefined) propagated_dtypes_[node.outputs[0]] = dtype(node.inputs[0]);
  }
}

const Node* GraphIndex::producer(const std::string& value) const {
  auto it = producer_.find(value);
  return it == producer_.end() ? nullptr : &graph_.nodes[it->second];
}

int GraphIndex::reader_count(const std::string& value) const {
  auto it = read_count_.find(value);
  return it == read_count_.end() ? 0 : it->second;
}

std::vector<size_t> GraphIndex::readers(const std::string& value) const {
  auto it = readers_.find(value);
  return it == readers_.end() ? std::vector<size_t>{} : it->second;
}

const Tensor* GraphIndex::constant(const std::string& value) const {
  if (value.empty() || feedable_.count(value)) return nullptr;
  auto it = graph_.initializers.find(value);
  return it == graph_.initializers.end() ? nullptr : &it->second;
}

std::optional<Shape> GraphIndex::shape(const std::string& value) const {
  if (const Tensor* tensor = constant(value)) return tensor->shape();
  auto it = infos_.find(value);
  if (it == infos_.end() || !it->second->has_shape || it->second->kind != TypeKind::Tensor) return std::nullopt;
  Shape shape;
  for (const Dim& dim : it->second->dims) {
    if (!dim.is_fixed()) return std::nullopt;
    shape.push_back(dim.value);
  }
  return shape;
}

DType GraphIndex::dtype(const std::string& value) const {
  if (const Tensor* tensor = constant(value)) return tensor->dtype();
  auto it = infos_.find(value);
  if (it != infos_.end() && it->second->kind == TypeKind::Tensor && it->second->dtype != DType::Undefined) {
    return it->second->dtype;
  }
  auto propagated = propagated_dtypes_.find(value);
  return propagated == propagated_dtypes_.end() ? DType::Undefined : propagated->second;
}

int rewrite_until_done(Graph& graph, const RewriteAt& rewrite) {
  int count = 0;
  for (bool changed = true; changed;) {
    changed = false;
    const GraphIndex index(graph);
    for (size_t n = 0; n < graph.nodes.size() && !changed; ++n) changed = rewrite(graph, index, n);
    if (changed) ++count;
  }
  return count;
}

void replace_nodes(Graph& graph, std::vector<size_t> indices, Node replacement) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  replacement.attributes.set_owner(replacement.describe());
  graph.nodes[indices.back()] = std::move(replacement);
  indices.pop_back();
  for (auto it = indices.rbegin(); it != indices.rend(); ++it) graph.nodes.erase(graph.nodes.begin() + *it);
}

void replace_uses(Graph& graph, const std::string& from, const std::string& to) {
  for (Node& node : graph.nodes) {
    for (std::string& input : node.inputs) {
      if (input == from) input = to;
    }
  }
}

std::string unique_value_name(const Graph& graph, const std::string& base) {
  std::set<std::string> used;
  for (const auto& [name, tensor] : graph.initializers) used.insert(name);
  for (const ValueInfo& input : graph.inputs) used.insert(input.name);
  for (const Node& node : graph.nodes) used.insert(node.outputs.begin(), node.outputs.end());
  if (!used.count(base)) return base;
  for (int suffix = 1;; ++suffix) {
    std::string name = base + "_" + std::to_string(suffix);
    if (!used.count(name)) return name;
  }
}

bool same_constant(const GraphIndex& index, const std::string& a, const std::string& b) {
  const Tensor* x = index.constant(a);
  const Tensor* y = index.constant(b);
  return x && y && identical(*x, *y);
}

std::optional<double> scalar_constant(const GraphIndex& index, const std::string& value) {
  const Tensor* tensor = index.constant(value);
  if (!tensor || tensor->numel() != 1 || tensor->dtype() == DType::String || tensor->dtype() == DType::Bool) {
    return std::nullopt;
  }
  return tensor->to_double_vector()[0];
}

Attribute float_attribute(float value) {
  Attribute a;
  a.type = AttributeType::Float;
  a.f = value;
  return a;
}

Attribute floats_attribute(std::vector<float> values) {
  Attribute a;
  a.type = AttributeType::Floats;
  a.floats = std::move(values);
  return a;
}

Attribute string_attribute(std::string value) {
  Attribute a;
  a.type = AttributeType::String;
  a.s = std::move(value);
  return a;
}

const Node* only_reader(const Graph& graph, const GraphIndex& index, const std::string& value, const char* op_type) {
  if (!index.is_private(value)) return nullptr;
  const Node& reader = graph.nodes[index.readers(value).front()];
  if (op_type && (!is_onnx(reader, op_type) || reader.outputs.size() != 1)) return nullptr;
  return &reader;
}

size_t node_position(const Graph& graph, const Node* node) { return static_cast<size_t>(node - graph.nodes.data()); }

std::string other_input(const Node& node, const std::string& value) {
  if (node.inputs.size() != 2) return {};
  if (node.inputs[0] == value) return node.inputs[1];
  if (node.inputs[1] == value) return node.inputs[0];
  return {};
}

void remove_dead_values(Graph& graph) {
  std::set<std::string> written, read;
  for (const Node& node : graph.nodes) {
    written.insert(node.outputs.begin(), node.outputs.end());
    read.insert(node.inputs.begin(), node.inputs.end());
    for (const std::string& outer : node_outer_values(node)) read.insert(outer);
  }
  for (const ValueInfo& output : graph.outputs) read.insert(output.name);
  for (const ValueInfo& input : graph.inputs) read.insert(input.name);
  std::erase_if(graph.value_infos, [&](const ValueInfo& info) { return !written.count(info.name); });
  std::erase_if(graph.initializers, [&](const auto& entry) { return !read.count(entry.first); });
}

}  // namespace vigil::passes

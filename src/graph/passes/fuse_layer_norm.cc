// SPDX-License-Identifier: Apache-2.0
// The LayerNormalization exporters write as primitives (opsets before 17 have no
// LayerNormalization), over the last axis:
//   m = ReduceMean(x); d = x - m; v = ReduceMean(d ^ 2); y = d / Sqrt(v + eps) * gamma + beta
// -> one ONNX LayerNormalization(x, gamma, beta) with axis -1 and epsilon eps (vigil runs it
// at any opset). gamma and beta must be constant vectors of the last axis' length, the
// reductions over the last axis only with kept dimensions, and every intermediate read only
// inside the pattern (d by the Pow and the Div).
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// ReduceMean over the last axis of `input` with keepdims (axes an attribute, or from opset
// 18 a constant input).
bool is_mean_over_last_axis(const Node& node, const GraphIndex& index, const std::string& input) {
  if (!is_onnx(node, "ReduceMean") || node.inputs.empty() || node.inputs[0] != input) return false;
  if (node.attributes.get_int("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes = node.attributes.get_ints("axes");
  if (node.inputs.size() > 1 && !node.inputs[1].empty()) {
    const Tensor* constant = index.constant(node.inputs[1]);
    if (!constant) return false;
    axes = constant->to_int64_vector();
  }
  if (axes.size() != 1) return false;
  if (axes[0] == -1) return true;
  const std::optional<Shape> shape = index.shape(input);
  return shape && axes[0] == static_cast<int64_t>(shape->size()) - 1;
}

// The constant operand of a binary node whose other operand is `value`.
const Tensor* constant_operand(const Node& node, const GraphIndex& index, const std::string& value) {
  const std::string other = other_input(node, value);
  return other.empty() || other == value ? nullptr : index.constant(other);
}

bool is_vector_of(const Tensor* tensor, int64_t length) {
  return tensor && tensor->dtype() == DType::Float32 && tensor->rank() == 1 && (length < 0 || tensor->dim(0) == length);
}

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& mean = graph.nodes[n];
  if (mean.inputs.empty() || mean.outputs.size() != 1) return false;
  const std::string x = mean.inputs[0];
  if (!is_mean_over_last_axis(mean, index, x) || index.dtype(x) != DType::Float32) return false;
  const Node* sub = only_reader(graph, index, mean.outputs[0], "Sub");
  if (!sub || sub->inputs[0] != x || sub->inputs[1] != mean.outputs[0]) return false;
  const std::string d = sub->outputs[0];
  if (index.is_pinned(d) || index.reader_count(d) != 2 || index.readers(d).size() != 2) return false;
  const Node* pow = nullptr;
  const Node* div = nullptr;
  for (size_t reader : index.readers(d)) {
    const Node& node = graph.nodes[reader];
    if (is_onnx(node, "Pow") && node.inputs.size() == 2 && node.inputs[0] == d) pow = &node;
    if (is_onnx(node, "Div") && node.inputs.size() == 2 && node.inputs[0] == d) div = &node;
  }
  if (!pow || !div || scalar_constant(index, pow->inputs[1]) != 2.0) return false;
  const Node* variance = only_reader(graph, index, pow->outputs[0], "ReduceMean");
  if (!variance || !is_mean_over_last_axis(*variance, index, pow->outputs[0])) return false;
  const Node* add_eps = only_reader(graph, index, variance->outputs[0], "Add");
  const Tensor* eps = add_eps ? constant_operand(*add_eps, index, variance->outputs[0]) : nullptr;
  if (!eps || eps->numel() != 1 || eps->dtype() != DType::Float32) return false;
  const Node* sqrt = only_reader(graph, index, add_eps->outputs[0], "Sqrt");
  if (!sqrt || only_reader(graph, index, sqrt->outputs[0], "Div") != div || div->inputs[1] != sqrt->outputs[0]) {
    return false;
  }
  const Node* mul = only_reader(graph, index, div->outputs[0], "Mul");
  const Tensor* gamma = mul ? constant_operand(*mul, index, div->outputs[0]) : nullptr;
  const std::optional<Shape> x_shape = index.shape(x);
  const int64_t length = x_shape && !x_shape->empty() ? x_shape->back() : -1;
  if (!is_vector_of(gamma, length)) return false;
  const Node* add = only_reader(graph, index, mul->outputs[0], "Add");
  const Tensor* beta = add ? constant_operand(*add, index, mul->outputs[0]) : nullptr;
  if (!is_vector_of(beta, gamma->dim(0))) return false;

  Node fused;
  fused.name = mean.name.empty() ? add->name : mean.name;
  fused.op_type = "LayerNormalization";
  fused.inputs = {x, other_input(*mul, div->outputs[0]), other_input(*add, mul->outputs[0])};
  fused.outputs = add->outputs;
  Attribute axis;
  axis.type = AttributeType::Int;
  axis.i = -1;
  fused.attributes.set("axis", axis);
  fused.attributes.set("epsilon", float_attribute(static_cast<float>(eps->to_double_vector()[0])));
  std::vector<size_t> matched;
  for (const Node* node : {&mean, sub, pow, variance, add_eps, sqrt, div, mul, add}) {
    matched.push_back(node_position(graph, node));
  }
  replace_nodes(graph, matched, std::move(fused));
  return true;
}

}  // namespace

int fuse_layer_norm(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

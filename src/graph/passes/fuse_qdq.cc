// SPDX-License-Identifier: Apache-2.0
// QDQ groups -> integer operators. A QDQ model (ONNX Runtime's quantizer, `vigil quantize`)
// writes every quantized operator in float between DequantizeLinear and QuantizeLinear:
//   DQ(x_q) -> Conv(., DQ(W_q), DQ(B_q)) [-> Relu | Clip] -> Q -> y_q
// This pass reads such a group as the integer operator it stands for, so that the session
// runs integer arithmetic on the quantized tensors and the float values never exist:
//   Conv                 -> vigil.QConv   (QLinearConv's inputs, then B's scale)
//   Gemm, MatMul         -> vigil.QGemm   (constant 2-D weights; Q after it optional:
//                                          without it the output is float)
//   Add                  -> vigil.QAdd    (both operands dequantized, of one known shape)
//   GlobalAveragePool    -> com.microsoft QLinearGlobalAveragePool
//   Concat               -> com.microsoft QLinearConcat
//   MaxPool, Reshape, Flatten, Transpose, Squeeze, Unsqueeze between a DQ and a Q with the
//   same scale and zero point -> the same operator on the quantized tensor (these commute
//   with quantization: they move or select values, never combine them); without such a Q,
//   the operator moves before the DQ.
// Relu and Clip between the operator and its Q are absorbed as `activation` attributes; the
// integer operator turns them into a clamp of the quantized output (exact: quantization is
// monotone). DequantizeLinear nodes left without readers are removed. The pass runs first,
// before constant folding would turn DQ(W_q) into float weights.
#include <algorithm>
#include <limits>

#include "graph/passes/activation_match.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// A value computed by DequantizeLinear: the quantized tensor and its parameters.
struct Dequantized {
  size_t node;
  std::string quantized, scale, zero_point;
  int64_t axis = 1;
};

bool is_8_bit_integer(DType type) { return type == DType::UInt8 || type == DType::Int8; }

// `value` when a DequantizeLinear of an 8-bit tensor with a constant scale (and zero point)
// writes it; `per_tensor` asks for a one-element scale.
std::optional<Dequantized> dequantized(const Graph& graph, const GraphIndex& index, const std::string& value,
                                       bool per_tensor) {
  const Node* dq = index.producer(value);
  if (!dq || !is_onnx(*dq, "DequantizeLinear") || dq->inputs.size() < 2) return std::nullopt;
  const Tensor* scale = index.constant(dq->inputs[1]);
  if (!scale || scale->dtype() != DType::Float32 || (per_tensor && scale->numel() != 1)) return std::nullopt;
  const std::string zero_point = dq->inputs.size() > 2 ? dq->inputs[2] : "";
  if (!zero_point.empty() && !index.constant(zero_point)) return std::nullopt;
  const DType type = index.dtype(dq->inputs[0]);
  if (type != DType::Undefined && !is_8_bit_integer(type) && type != DType::Int32) return std::nullopt;
  return Dequantized{node_position(graph, dq), dq->inputs[0], dq->inputs[1], zero_point,
                     dq->attributes.get_int("axis", 1)};
}

// Two clamps in a row as one: Relu then Clip, as lower_qonnx writes a QONNX Quant of
// fewer than 8 bits after a Relu. Clamps whose ranges do not overlap stay apart.
std::optional<FusedActivation> chained_clamps(const FusedActivation& first, const FusedActivation& second) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  auto bounds = [&](const FusedActivation& a) { return a.name == "Relu" ? std::vector<float>{0.0f, kInf} : a.params; };
  const std::vector<float> a = bounds(first), b = bounds(second);
  const float low = std::max(a[0], b[0]), high = std::min(a[1], b[1]);
  if (low > high) return std::nullopt;
  return FusedActivation{"Clip", {low, high}};
}

// The QuantizeLinear that ends a group whose float result is `value`, perhaps after a Relu
// or Clip: the nodes it adds to the match, its output, parameters and the activation.
struct Requantized {
  std::vector<size_t> nodes;
  std::string output, scale, zero_point;
  std::optional<FusedActivation> activation;
};

std::optional<Requantized> requantized(const Graph& graph, const GraphIndex& index, const std::string& value,
                                       bool allow_activation) {
  Requantized result;
  std::string current = value;
  const Node* next = only_reader(graph, index, current);
  while (next && allow_activation && (next->op_type == "Relu" || next->op_type == "Clip") && next->domain.empty()) {
    const std::optional<FusedActivation> activation = match_activation(*next, index);
    if (!activation) return std::nullopt;
    result.activation = result.activation ? chained_clamps(*result.activation, *activation) : activation;
    if (!result.activation) return std::nullopt;
    result.nodes.push_back(node_position(graph, next));
    current = next->outputs[0];
    next = only_reader(graph, index, current);
  }
  if (!next || !is_onnx(*next, "QuantizeLinear") || next->inputs.size() < 2 || next->inputs[0] != current) {
    return std::nullopt;
  }
  const Tensor* scale = index.constant(next->inputs[1]);
  if (!scale || scale->numel() != 1 || scale->dtype() != DType::Float32) return std::nullopt;
  result.zero_point = next->inputs.size() > 2 ? next->inputs[2] : "";
  const Tensor* zero_point = index.constant(result.zero_point);
  if (!zero_point || !is_8_bit_integer(zero_point->dtype())) return std::nullopt;  // uint8 or int8 only
  result.nodes.push_back(node_position(graph, next));
  result.output = next->outputs[0];
  result.scale = next->inputs[1];
  return result;
}

// The node's first input is the only operand; ends the match at the Q and rewires.
Node integer_node(const Node& original, const char* domain, const char* op_type, std::vector<std::string> inputs,
                  const Requantized* requantized_output) {
  Node node = original;
  node.domain = domain;
  node.op_type = op_type;
  node.inputs = std::move(inputs);
  if (requantized_output) {
    node.outputs = {requantized_output->output};
    if (requantized_output->activation) set_activation(node, *requantized_output->activation);
  }
  return node;
}

std::vector<size_t> with(std::vector<size_t> nodes, size_t first) {
  nodes.insert(nodes.begin(), first);
  return nodes;
}

// Conv(DQ(x), DQ(W) [, DQ(B) | B]) [-> activation] -> Q.
bool fuse_conv(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& conv = graph.nodes[n];
  if (conv.inputs.size() < 2 || conv.outputs.size() != 1) return false;
  const auto x = dequantized(graph, index, conv.inputs[0], true);
  const auto w = dequantized(graph, index, conv.inputs[1], false);
  if (!x || !w || !index.constant(w->quantized)) return false;
  // Per-channel weights along the output channels; a per-tensor scale may carry any axis.
  if (index.constant(w->scale)->numel() != 1 && w->axis != 0) return false;
  std::string bias, bias_scale;
  if (conv.inputs.size() > 2 && !conv.inputs[2].empty()) {
    if (const auto b = dequantized(graph, index, conv.inputs[2], false)) {
      if (!index.constant(b->quantized)) return false;
      bias = b->quantized;
      bias_scale = b->scale;
    } else if (index.constant(conv.inputs[2]) && index.dtype(conv.inputs[2]) == DType::Float32) {
      bias = conv.inputs[2];  // a float bias: the operator quantizes it with x_scale x w_scale
    } else {
      return false;
    }
  }
  const auto y = requantized(graph, index, conv.outputs[0], true);
  if (!y) return false;
  Node fused = integer_node(conv, "vigil", "QConv",
                            {x->quantized, x->scale, x->zero_point, w->quantized, w->scale, w->zero_point, y->scale,
                             y->zero_point, bias, bias_scale},
                            &*y);
  replace_nodes(graph, with(y->nodes, n), std::move(fused));
  return true;
}

// Gemm(DQ(A), DQ(B) [, DQ(C) | C]) or MatMul(DQ(A), DQ(B)), B constant and 2-D, then a Q
// (with an absorbed activation) or nothing (a float output).
bool fuse_gemm(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& gemm = graph.nodes[n];
  if (gemm.inputs.size() < 2 || gemm.outputs.size() != 1) return false;
  const bool is_gemm = gemm.op_type == "Gemm";
  if (is_gemm && (gemm.attributes.get_int("transA", 0) != 0 || gemm.attributes.get_float("alpha", 1.0f) != 1.0f ||
                  gemm.attributes.get_float("beta", 1.0f) != 1.0f)) {
    return false;
  }
  const auto a = dequantized(graph, index, gemm.inputs[0], true);
  const auto b = dequantized(graph, index, gemm.inputs[1], false);
  if (!a || !b) return false;
  const Tensor* weights = index.constant(b->quantized);
  if (!weights || weights->rank() != 2) return false;
  const bool transposed = is_gemm && gemm.attributes.get_int("transB", 0) != 0;
  // Per-column scales run along B's output dimension: axis 1 of K x N, axis 0 of N x K.
  const Tensor* b_scale = index.constant(b->scale);
  if (b_scale->numel() != 1 && b->axis != (transposed ? 0 : 1)) return false;
  std::string bias, bias_scale;
  if (is_gemm && gemm.inputs.size() > 2 && !gemm.inputs[2].empty()) {
    if (const auto c = dequantized(graph, index, gemm.inputs[2], false)) {
      if (!index.constant(c->quantized)) return false;
      bias = c->quantized;
      bias_scale = c->scale;
    } else if (index.constant(gemm.inputs[2]) && index.dtype(gemm.inputs[2]) == DType::Float32) {
      bias = gemm.inputs[2];
    } else {
      return false;
    }
    if (index.constant(bias)->rank() > 1) return false;  // one value per output column
  }
  const auto y = requantized(graph, index, gemm.outputs[0], true);
  Node fused = integer_node(gemm, "vigil", "QGemm",
                            {a->quantized, a->scale, a->zero_point, b->quantized, b->scale, b->zero_point,
                             y ? y->scale : "", y ? y->zero_point : "", bias, bias_scale},
                            y ? &*y : nullptr);
  replace_nodes(graph, y ? with(y->nodes, n) : std::vector<size_t>{n}, std::move(fused));
  return true;
}

// Add(DQ(a), DQ(b)) [-> activation] -> Q.
bool fuse_add(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& add = graph.nodes[n];
  if (add.inputs.size() != 2 || add.outputs.size() != 1) return false;
  const auto a = dequantized(graph, index, add.inputs[0], true);
  const auto b = dequantized(graph, index, add.inputs[1], true);
  const auto y = requantized(graph, index, add.outputs[0], true);
  // Same known shapes: the integer Add does not broadcast.
  const std::optional<Shape> shape = index.shape(add.inputs[0]);
  if (!a || !b || !y || !shape || index.shape(add.inputs[1]) != shape) return false;
  Node fused = integer_node(
      add, "vigil", "QAdd",
      {a->quantized, a->scale, a->zero_point, b->quantized, b->scale, b->zero_point, y->scale, y->zero_point}, &*y);
  replace_nodes(graph, with(y->nodes, n), std::move(fused));
  return true;
}

// GlobalAveragePool(DQ(x)) -> Q, and Concat(DQ(x1), DQ(x2), ...) -> Q, as the com.microsoft
// operators ONNX Runtime's QOperator format uses.
bool fuse_contrib(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (node.inputs.empty() || node.outputs.size() != 1) return false;
  const auto y = requantized(graph, index, node.outputs[0], false);
  if (!y) return false;
  if (node.op_type == "GlobalAveragePool") {
    const auto x = dequantized(graph, index, node.inputs[0], true);
    if (!x) return false;
    Node fused = integer_node(node, "com.microsoft", "QLinearGlobalAveragePool",
                              {x->quantized, x->scale, x->zero_point, y->scale, y->zero_point}, &*y);
    replace_nodes(graph, with(y->nodes, n), std::move(fused));
    return true;
  }
  std::vector<std::string> inputs = {y->scale, y->zero_point};
  for (const std::string& input : node.inputs) {
    const auto x = dequantized(graph, index, input, true);
    if (!x) return false;
    inputs.insert(inputs.end(), {x->quantized, x->scale, x->zero_point});
  }
  Node fused = integer_node(node, "com.microsoft", "QLinearConcat", std::move(inputs), &*y);
  replace_nodes(graph, with(y->nodes, n), std::move(fused));
  return true;
}

// DQ(x) -> MaxPool | Reshape | ... -> Q with DQ's scale and zero point: the operator on x.
bool pass_through(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (node.inputs.empty() || node.outputs.size() != 1) return false;  // MaxPool with Indices stays
  const auto x = dequantized(graph, index, node.inputs[0], true);
  const auto y = requantized(graph, index, node.outputs[0], false);
  if (!x || !y || !same_constant(index, x->scale, y->scale)) return false;
  const bool zero_points_match = x->zero_point.empty() || y->zero_point.empty()
                                     ? x->zero_point == y->zero_point
                                     : same_constant(index, x->zero_point, y->zero_point);
  if (!zero_points_match) return false;
  Node moved = node;
  moved.inputs[0] = x->quantized;
  moved.outputs = {y->output};
  replace_nodes(graph, with(y->nodes, n), std::move(moved));
  return true;
}

// DQ(x) -> MaxPool | Reshape | ... with no matching Q after it (a QONNX model quantizes
// before the pool, not after): the operator on x, then the DQ, so that the operator that
// reads the result finds its input dequantized. Exact for the same reason as above; MaxPool
// needs bytes (it takes no int32) and a positive scale, which keeps the order of the values.
bool sink_dequantize(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (node.inputs.empty() || node.outputs.size() != 1) return false;
  const auto x = dequantized(graph, index, node.inputs[0], true);
  if (!x) return false;
  if (node.op_type == "MaxPool" &&
      (index.dtype(x->quantized) == DType::Int32 || !(index.constant(x->scale)->data<float>()[0] > 0))) {
    return false;
  }
  Node moved = node;
  moved.inputs[0] = x->quantized;
  moved.outputs = {unique_value_name(graph, node.outputs[0] + "_quantized")};
  Node dequantize = graph.nodes[x->node];
  dequantize.name = node.name + "_dequantize";
  dequantize.inputs[0] = moved.outputs[0];
  dequantize.outputs = {node.outputs[0]};
  graph.nodes[n] = std::move(moved);
  graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n) + 1, std::move(dequantize));
  return true;
}

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (!node.domain.empty()) return false;
  const std::string& op = node.op_type;
  if (op == "DequantizeLinear") {  // left without readers by the rewrites
    if (index.reader_count(node.outputs[0]) != 0 || index.is_pinned(node.outputs[0])) return false;
    graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n));
    return true;
  }
  if (op == "Conv") return fuse_conv(graph, index, n);
  if (op == "Gemm" || op == "MatMul") return fuse_gemm(graph, index, n);
  if (op == "Add") return fuse_add(graph, index, n);
  if (op == "GlobalAveragePool" || op == "Concat") return fuse_contrib(graph, index, n);
  static const char* const kMovers[] = {"MaxPool", "Reshape", "Flatten", "Transpose", "Squeeze", "Unsqueeze"};
  if (std::any_of(std::begin(kMovers), std::end(kMovers), [&](const char* mover) { return op == mover; })) {
    return pass_through(graph, index, n) || sink_dequantize(graph, index, n);
  }
  return false;
}

}  // namespace

int fuse_qdq(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

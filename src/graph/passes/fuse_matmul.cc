// SPDX-License-Identifier: Apache-2.0
// MatMul with what follows it -> vigil.FusedMatMul(A, B, bias?, Z?) with attributes alpha,
// activation, activation_params: Y = activation(alpha * matmul(A, B) + bias + Z).
//   - alpha: a Mul or Div by a scalar constant on either operand before the MatMul (the
//     attention scale on Q) or on the product right after it;
//   - bias: an Add of a constant 1-D vector of length N (B's last dimension);
//   - Z: an Add of a value of exactly the product's known shape (a residual);
//   - the activation, last.
// And Gemm + activation -> vigil.FusedGemm (Gemm's inputs and attributes plus the
// activation's). Every swallowed intermediate must be read by the next node only; f32 only.
#include <cmath>

#include "graph/passes/activation_match.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// The factor `node` multiplies `value` by, if it is Mul or Div of `value` by a finite
// nonzero scalar constant (value / c counts as 1 / c; c / value is no scale).
std::optional<double> scale_of(const Node& node, const GraphIndex& index, const std::string& value) {
  if (node.inputs.size() != 2 || node.outputs.size() != 1) return std::nullopt;
  const bool mul = is_onnx(node, "Mul"), div = is_onnx(node, "Div");
  if (!(mul || div) || (div && node.inputs[0] != value)) return std::nullopt;
  const std::string other = other_input(node, value);
  if (other.empty() || other == value || index.dtype(other) != DType::Float32) return std::nullopt;
  const std::optional<double> factor = scalar_constant(index, other);
  if (!factor || *factor == 0 || !std::isfinite(*factor)) return std::nullopt;
  // A broadcast scalar of rank above the product's would change the output's rank.
  const Tensor* constant = index.constant(other);
  const std::optional<Shape> value_shape = index.shape(value);
  if (constant->rank() > 0 && (!value_shape || constant->rank() > static_cast<int64_t>(value_shape->size()))) {
    return std::nullopt;
  }
  return div ? 1.0 / *factor : *factor;
}

bool fuse_matmul_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& matmul = graph.nodes[n];
  if (!is_onnx(matmul, "MatMul") || matmul.inputs.size() != 2 || matmul.outputs.size() != 1) return false;
  std::vector<size_t> matched = {n};
  std::vector<std::string> operands = matmul.inputs;
  double alpha = 1.0;
  for (std::string& operand : operands) {
    if (index.dtype(operand) != DType::Float32) return false;
    const Node* scaler = index.producer(operand);
    if (!scaler || !index.is_private(operand)) continue;
    for (const std::string& input : scaler->inputs) {
      const std::optional<double> factor = input.empty() ? std::nullopt : scale_of(*scaler, index, input);
      if (!factor || index.constant(input)) continue;
      alpha *= *factor;
      matched.push_back(node_position(graph, scaler));
      operand = input;
      break;
    }
  }

  std::string output = matmul.outputs[0], bias, residual;
  std::optional<FusedActivation> activation;
  const Tensor* b_constant = index.constant(operands[1]);
  const std::optional<Shape> b_shape = b_constant ? b_constant->shape() : index.shape(operands[1]);
  const int64_t columns = b_shape && b_shape->size() >= 2 ? b_shape->back() : -1;
  bool scale_allowed = true;
  for (const Node* next = only_reader(graph, index, output); next; next = only_reader(graph, index, output)) {
    const std::optional<double> factor = scale_allowed ? scale_of(*next, index, output) : std::nullopt;
    const std::string other = is_onnx(*next, "Add") ? other_input(*next, output) : "";
    const Tensor* other_constant = index.constant(other);
    if (factor) {
      alpha *= *factor;
    } else if (bias.empty() && other_constant && other_constant->dtype() == DType::Float32 &&
               other_constant->rank() == 1 && other_constant->dim(0) == columns) {
      bias = other;
    } else if (residual.empty() && !other.empty() && other != output && index.shape(output) &&
               index.shape(other) == index.shape(output) && index.dtype(other) == DType::Float32) {
      residual = other;
    } else if ((activation = match_activation(*next, index))) {
      matched.push_back(node_position(graph, next));
      output = next->outputs[0];
      break;
    } else {
      break;
    }
    scale_allowed = false;
    matched.push_back(node_position(graph, next));
    output = next->outputs[0];
  }
  if (matched.size() == 1) return false;

  Node fused;
  fused.name = matmul.name;
  fused.domain = "vigil";
  fused.op_type = "FusedMatMul";
  fused.inputs = {operands[0], operands[1]};
  if (!bias.empty() || !residual.empty()) fused.inputs.push_back(bias);
  if (!residual.empty()) fused.inputs.push_back(residual);
  fused.outputs = {output};
  if (alpha != 1.0) fused.attributes.set("alpha", float_attribute(static_cast<float>(alpha)));
  if (activation) set_activation(fused, *activation);
  replace_nodes(graph, matched, std::move(fused));
  return true;
}

bool fuse_gemm_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& gemm = graph.nodes[n];
  if (!is_onnx(gemm, "Gemm") || gemm.outputs.size() != 1 || gemm.inputs.size() < 2) return false;
  if (index.dtype(gemm.inputs[0]) != DType::Float32 || index.dtype(gemm.inputs[1]) != DType::Float32) return false;
  const Node* next = only_reader(graph, index, gemm.outputs[0]);
  const std::optional<FusedActivation> activation = next ? match_activation(*next, index) : std::nullopt;
  if (!activation) return false;
  Node fused = gemm;
  fused.domain = "vigil";
  fused.op_type = "FusedGemm";
  fused.outputs = next->outputs;
  set_activation(fused, *activation);
  replace_nodes(graph, {n, node_position(graph, next)}, std::move(fused));
  return true;
}

}  // namespace

int fuse_matmul(Graph& graph) { return rewrite_until_done(graph, fuse_matmul_at); }

int fuse_gemm_activation(Graph& graph) { return rewrite_until_done(graph, fuse_gemm_at); }

}  // namespace vigil::passes

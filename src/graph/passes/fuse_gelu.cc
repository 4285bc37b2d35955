// SPDX-License-Identifier: Apache-2.0
// The exact GELU exporters write with Erf, y = x * 0.5 * (1 + erf(x / sqrt 2)), in any of
// the usual operand orders:
//   (x * (1 + erf(x / sqrt 2))) * 0.5,   (x * 0.5) * (1 + erf(..)),   x * ((1 + erf(..)) * 0.5)
// with x / sqrt 2 also written as x * (1 / sqrt 2) -> one vigil.Gelu(x). A Gelu right after a
// MatMul (and its bias) is absorbed later by fuse_matmul as FusedMatMul's activation.
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool near(std::optional<double> value, double expected) {
  return value && std::abs(*value - expected) <= 1e-4 * std::abs(expected);
}

// The binary node of type `op_type` that alone reads `value`, and its other operand.
const Node* only_binary_reader(const Graph& graph, const GraphIndex& index, const std::string& value,
                               const char* op_type, std::string& other) {
  const Node* reader = only_reader(graph, index, value, op_type);
  if (!reader) return nullptr;
  other = other_input(*reader, value);
  return other.empty() ? nullptr : reader;
}

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& erf = graph.nodes[n];
  if (!is_onnx(erf, "Erf") || erf.inputs.size() != 1 || !index.is_private(erf.inputs[0])) return false;
  const Node* scaled = index.producer(erf.inputs[0]);
  if (!scaled || scaled->inputs.size() != 2) return false;
  const bool constant_first = index.constant(scaled->inputs[0]) != nullptr;
  const std::string x = scaled->inputs[constant_first ? 1 : 0];
  const std::optional<double> factor = scalar_constant(index, scaled->inputs[constant_first ? 0 : 1]);
  const bool by_div = is_onnx(*scaled, "Div") && !constant_first && near(factor, std::sqrt(2.0));
  const bool by_mul = is_onnx(*scaled, "Mul") && near(factor, std::sqrt(0.5));
  if (!(by_div || by_mul) || index.dtype(x) != DType::Float32) return false;

  std::string other;
  const Node* plus_one = only_binary_reader(graph, index, erf.outputs[0], "Add", other);
  if (!plus_one || !near(scalar_constant(index, other), 1.0)) return false;
  const Node* product = only_binary_reader(graph, index, plus_one->outputs[0], "Mul", other);
  if (!product) return false;
  std::vector<const Node*> matched = {scaled, &erf, plus_one, product};
  const Node* half_of_x = index.producer(other);
  std::string last_other;
  if (other == x || near(scalar_constant(index, other), 0.5)) {
    // (x * (1 + erf)) * 0.5 or ((1 + erf) * 0.5) * x: one more Mul by what is missing.
    const bool needs_half = other == x;
    const Node* last = only_binary_reader(graph, index, product->outputs[0], "Mul", last_other);
    if (!last || (needs_half ? !near(scalar_constant(index, last_other), 0.5) : last_other != x)) return false;
    matched.push_back(last);
  } else if (half_of_x && is_onnx(*half_of_x, "Mul") && index.is_private(other) && other_input(*half_of_x, x) != "" &&
             near(scalar_constant(index, other_input(*half_of_x, x)), 0.5)) {
    matched.push_back(half_of_x);  // (x * 0.5) * (1 + erf)
  } else {
    return false;
  }

  Node gelu;
  gelu.name = erf.name;
  gelu.domain = "vigil";
  gelu.op_type = "Gelu";
  gelu.inputs = {x};
  gelu.outputs = matched.back() == half_of_x ? product->outputs : matched.back()->outputs;
  std::vector<size_t> positions;
  for (const Node* node : matched) positions.push_back(node_position(graph, node));
  replace_nodes(graph, positions, std::move(gelu));
  return true;
}

}  // namespace

int fuse_gelu(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

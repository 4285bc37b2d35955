// SPDX-License-Identifier: Apache-2.0
// Conv [+ Add(residual)] [+ activation] -> vigil.FusedConv(X, W, B?, Z?), computing
// Y = activation(conv(X, W) + B + Z) in the convolution's epilogue. The Add is taken only
// when its other operand has exactly the convolution output's (known) shape, so no
// broadcast hides in the residual; every swallowed intermediate must have the fused node as
// its only reader. Conv's attributes are kept; activation attributes are added.
#include "graph/passes/activation_match.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& conv = graph.nodes[n];
  if (conv.op_type != "Conv" || !conv.domain.empty() || conv.inputs.size() < 2 || conv.outputs.size() != 1) {
    return false;
  }
  if (index.dtype(conv.inputs[1]) != DType::Float32) return false;
  std::vector<size_t> matched = {n};
  std::string output = conv.outputs[0], residual;
  std::optional<FusedActivation> activation;

  const Node* next = only_reader(graph, index, output);
  if (next && next->op_type == "Add" && next->domain.empty()) {
    const std::string other = other_input(*next, output);
    const std::optional<Shape> shape = index.shape(output);
    if (!other.empty() && other != output && shape && index.shape(other) == shape &&
        index.dtype(other) == DType::Float32) {
      residual = other;
      matched.push_back(node_position(graph, next));
      output = next->outputs[0];
      next = only_reader(graph, index, output);
    }
  }
  if (next && (activation = match_activation(*next, index))) {
    matched.push_back(node_position(graph, next));
    output = next->outputs[0];
  }
  if (matched.size() == 1) return false;

  Node fused = conv;
  fused.domain = "vigil";
  fused.op_type = "FusedConv";
  fused.outputs = {output};
  if (!residual.empty()) {
    fused.inputs.resize(3);
    fused.inputs.push_back(residual);
  }
  if (activation) set_activation(fused, *activation);
  replace_nodes(graph, matched, std::move(fused));
  return true;
}

}  // namespace

int fuse_conv_activation(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

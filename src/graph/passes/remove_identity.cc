// SPDX-License-Identifier: Apache-2.0
// Removes nodes that copy their input: Identity, and Dropout in inference mode (no
// training_mode input that could be true, no mask output in use). Readers are rewired to
// the input. When the copy is a graph output, the producer of the input writes the output
// name directly instead, if nothing else reads the input; otherwise the node stays.
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool is_inference_copy(const Node& node, const GraphIndex& index) {
  if (!node.domain.empty() || node.inputs.empty() || node.inputs[0].empty() || node.outputs.empty()) return false;
  if (node.op_type == "Identity") return true;
  if (node.op_type != "Dropout") return false;
  if (node.outputs.size() > 1 && !node.outputs[1].empty() &&
      (index.reader_count(node.outputs[1]) > 0 || index.is_pinned(node.outputs[1]))) {
    return false;
  }
  if (node.inputs.size() > 2 && !node.inputs[2].empty()) {  // training_mode (opset 12+)
    const std::optional<double> training = scalar_constant(index, node.inputs[2]);
    if (!training || *training != 0) return false;
  }
  return true;
}

bool remove_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (!is_inference_copy(node, index)) return false;
  const std::string input = node.inputs[0], output = node.outputs[0];
  if (!index.is_pinned(output)) {
    graph.nodes.erase(graph.nodes.begin() + n);
    replace_uses(graph, output, input);
    return true;
  }
  // The output name must stay: rename the input at its producer instead.
  const Node* producer = index.producer(input);
  if (!producer || !index.is_private(input)) return false;
  Node& writer = graph.nodes[node_position(graph, producer)];
  for (std::string& name : writer.outputs) {
    if (name == input) name = output;
  }
  graph.nodes.erase(graph.nodes.begin() + n);
  return true;
}

}  // namespace

int remove_identity(Graph& graph) { return rewrite_until_done(graph, remove_at); }

}  // namespace vigil::passes

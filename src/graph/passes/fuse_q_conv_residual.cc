// SPDX-License-Identifier: Apache-2.0
// vigil.QConv -> vigil.QAdd  =>  vigil.QConv with a residual: the residual sum that ends a
// ResNet block, fused into the convolution that feeds it (ops/quantized/vigil_qconv.cc adds it tile by
// tile in the GEMM's epilogue, while the tile is in L1, instead of a pass of its own over
// memory). Taken when the convolution's output is read by the Add alone, on the grid the
// convolution wrote it (the Add's scale and zero point for it are the same constants as
// the convolution's y_scale and y_zero_point, as every QDQ model writes them), and the
// convolution carries no residual yet. The Add's other operand becomes the residual; its
// output, scale, zero point and absorbed activation (`sum_activation`) become the fused
// node's. The Add computes the same whichever side the convolution was on.
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// vigil.QConv's inputs up to the bias scale; the fused Add's five follow (ops/quantized/vigil_qconv.cc).
constexpr size_t kConvInputs = 10;
// vigil.QAdd's inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
constexpr size_t kAddInputs = 8;

bool is_vigil(const Node& node, const char* op_type) { return node.domain == "vigil" && node.op_type == op_type; }

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& conv = graph.nodes[n];
  if (!is_vigil(conv, "QConv") || conv.outputs.size() != 1 || conv.inputs.size() > kConvInputs ||
      conv.inputs.size() < 7) {
    return false;
  }
  const std::string& output = conv.outputs[0];
  const Node* add = only_reader(graph, index, output);
  if (!add || !is_vigil(*add, "QAdd") || add->inputs.size() != kAddInputs || add->outputs.size() != 1) return false;
  // The operand the convolution writes (0: a, 3: b), and the other one.
  const size_t side = add->inputs[0] == output ? 0 : 3, other = 3 - side;
  if (add->inputs[side] != output || add->inputs[other] == output) return false;
  auto input = [](const Node& node, size_t i) { return i < node.inputs.size() ? node.inputs[i] : std::string(); };
  const std::string conv_zero_point = input(conv, 7), add_zero_point = add->inputs[side + 2];
  if (!same_constant(index, conv.inputs[6], add->inputs[side + 1])) return false;
  const bool zero_points_match = conv_zero_point.empty() || add_zero_point.empty()
                                     ? conv_zero_point == add_zero_point
                                     : same_constant(index, conv_zero_point, add_zero_point);
  if (!zero_points_match) return false;

  Node fused = conv;
  fused.inputs.resize(kConvInputs);
  fused.inputs.insert(fused.inputs.end(), {add->inputs[other], add->inputs[other + 1], add->inputs[other + 2],
                                           add->inputs[6], add->inputs[7]});
  fused.outputs = add->outputs;
  for (const auto& [name, value] : add->attributes.all()) {
    if (name == "activation" || name == "activation_params") fused.attributes.set("sum_" + name, value);
  }
  replace_nodes(graph, {n, node_position(graph, add)}, std::move(fused));
  return true;
}

}  // namespace

int fuse_q_conv_residual(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// The matcher of graph/passes/dequantize_tail.h.
#include "graph/passes/dequantize_tail.h"

namespace vigil::passes {

const Node* dynamic_quantization_of(const GraphIndex& index, const Node& product) {
  if (product.inputs.size() < 3) return nullptr;
  const Node* quantize = index.producer(product.inputs[0]);
  if (!quantize || !is_onnx(*quantize, "DynamicQuantizeLinear") || quantize->outputs.size() != 3 ||
      product.inputs[2] != quantize->outputs[2]) {
    return nullptr;
  }
  return quantize;
}

std::optional<DequantizeTail> match_dequantize_tail(const Graph& graph, const GraphIndex& index, const Node& product,
                                                    const Node& quantize,
                                                    const std::function<bool(const Tensor&)>& is_bias) {
  const Node* cast = only_reader(graph, index, product.outputs[0], "Cast");
  if (!cast || cast->attributes.get_int("to", 0) != static_cast<int64_t>(DType::Float32)) return std::nullopt;
  const Node* scale_mul = only_reader(graph, index, cast->outputs[0], "Mul");
  if (!scale_mul) return std::nullopt;
  const std::string scale_product = other_input(*scale_mul, cast->outputs[0]);
  const Node* scales = index.producer(scale_product);
  if (!scales || !is_onnx(*scales, "Mul") || !index.is_private(scale_product)) return std::nullopt;
  DequantizeTail tail;
  tail.weight_scale = other_input(*scales, quantize.outputs[1]);
  if (tail.weight_scale.empty() || !index.constant(tail.weight_scale)) return std::nullopt;
  tail.nodes = {node_position(graph, scales), node_position(graph, cast), node_position(graph, scale_mul)};
  tail.output = scale_mul->outputs[0];
  if (const Node* add = only_reader(graph, index, tail.output, "Add")) {
    const Tensor* bias = index.constant(other_input(*add, tail.output));
    if (bias && is_bias(*bias)) {
      tail.bias = other_input(*add, tail.output);
      tail.nodes.push_back(node_position(graph, add));
      tail.output = add->outputs[0];
    }
  }
  return tail;
}

}  // namespace vigil::passes

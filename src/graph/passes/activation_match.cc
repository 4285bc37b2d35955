// SPDX-License-Identifier: Apache-2.0
// The activations a fused node can absorb.
#include "graph/passes/activation_match.h"

#include <limits>

namespace vigil::passes {

std::optional<FusedActivation> match_activation(const Node& node, const GraphIndex& index) {
  if (node.inputs.empty() || node.outputs.size() != 1) return std::nullopt;
  if (node.domain == "vigil" && node.op_type == "Gelu") return FusedActivation{"Gelu", {}};
  if (!node.domain.empty()) return std::nullopt;
  const std::string& op = node.op_type;
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh") return FusedActivation{op, {}};
  if (op == "LeakyRelu") return FusedActivation{op, {node.attributes.get_float("alpha", 0.01f)}};
  if (op == "HardSigmoid") {
    return FusedActivation{op, {node.attributes.get_float("alpha", 0.2f), node.attributes.get_float("beta", 0.5f)}};
  }
  if (op != "Clip") return std::nullopt;
  // Bounds: attributes before opset 11, optional constant inputs after; absent is unbounded.
  constexpr float kInf = std::numeric_limits<float>::infinity();
  float bounds[2] = {node.attributes.get_float("min", -kInf), node.attributes.get_float("max", kInf)};
  for (size_t i = 1; i < node.inputs.size() && i < 3; ++i) {
    if (node.inputs[i].empty()) continue;
    const std::optional<double> bound = scalar_constant(index, node.inputs[i]);
    if (!bound) return std::nullopt;
    bounds[i - 1] = static_cast<float>(*bound);
  }
  return FusedActivation{op, {bounds[0], bounds[1]}};
}

void set_activation(Node& node, const FusedActivation& activation, const std::string& attribute) {
  node.attributes.set(attribute, string_attribute(activation.name));
  if (!activation.params.empty()) node.attributes.set(attribute + "_params", floats_attribute(activation.params));
}

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// Recognising the activation node that a fusion pass folds into a FusedConv, FusedGemm or
// FusedMatMul, and writing it as that node's `activation` / `activation_params` attributes
// (the format ops/fused_activation.h reads: the names are the ONNX operator names, Gelu
// that of vigil's Gelu node).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/passes/pass.h"

namespace vigil::passes {

struct FusedActivation {
  std::string name;           // "Relu", "Clip", "LeakyRelu", "Sigmoid", "Tanh", "HardSigmoid", "Gelu"
  std::vector<float> params;  // Clip: min, max; LeakyRelu: alpha; HardSigmoid: alpha, beta
};

// The activation `node` computes on its one tensor input, if it is one the fused kernels
// apply (Clip only with constant or absent bounds).
std::optional<FusedActivation> match_activation(const Node& node, const GraphIndex& index);

// Sets the activation attributes on a fused node: `attribute` and `attribute`_params.
void set_activation(Node& node, const FusedActivation& activation, const std::string& attribute = "activation");

}  // namespace vigil::passes

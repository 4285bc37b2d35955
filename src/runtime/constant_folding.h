// SPDX-License-Identifier: Apache-2.0
// Constant folding, the first of the graph optimisation passes (runtime/graph_optimizer.cc
// runs it after Identity removal): it lives in runtime/ because it runs operators.
#pragma once

#include "graph/graph.h"

namespace vigil {

// Every node whose inputs are all constants (initializers a feed cannot override) runs
// once through its registered operator and becomes initializers; so does Shape of a value
// whose shape the graph's value_infos fix. Not folded: graph outputs, nodes holding
// subgraphs, value operators, random generators, nodes that fail (the session reports
// the failure when it runs them), and results larger than max(1 MiB, their inputs' bytes).
// Returns the number of nodes folded.
int fold_constants(Graph& graph, const Model& model);

// The same, except DequantizeLinear: before the QDQ pass (graph/passes/fuse_qdq.cc), which
// needs Constant nodes (Clip bounds, scales) folded but quantized weights still behind
// their DequantizeLinear.
int fold_constants_but_dequantize(Graph& graph, const Model& model);

}  // namespace vigil

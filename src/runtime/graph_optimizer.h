// SPDX-License-Identifier: Apache-2.0
// The graph optimisation pipeline: the passes of graph/passes/ and constant folding, run
// in order on a copy of a model's main graph when a session is created (SessionOptions::
// optimize; `--no-optimize` on the command line turns it off). docs/optimizations.md
// describes each pass and the fused nodes they write.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "graph/graph.h"

namespace vigil {

struct OptimizationReport {
  size_t nodes_before = 0;
  size_t nodes_after = 0;
  struct PassCount {
    std::string pass;
    int rewrites = 0;
  };
  std::vector<PassCount> passes;  // in the order they ran
};

// Rewrites `graph`, the main graph of `model` (whose opsets the folded operators use).
// Fusions whose fused operator is not registered are skipped.
OptimizationReport optimize_graph(Graph& graph, const Model& model);

// A copy of `model` with its main graph optimised (subgraph bodies as they were); the
// original if the pipeline fails, with a warning.
std::shared_ptr<const Model> optimized_model(std::shared_ptr<const Model> model, OptimizationReport* report = nullptr);

}  // namespace vigil

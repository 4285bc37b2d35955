// SPDX-License-Identifier: Apache-2.0
// What each step of a session costs, measured by running it once: the shapes every node
// really sees, turned into MACs, operations and bytes (graph/layer_cost.h), with the
// algorithm its operator runs. `vigil info` prints them; the profiler (perf/model_profile.h)
// divides them by the measured times.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/layer_cost.h"
#include "runtime/session.h"

namespace vigil {

struct StepCost {
  const Node* node = nullptr;
  std::string name;          // the node's name, or its first output's if it has none
  std::string op_type;       // with its domain for non-ONNX operators, e.g. "vigil.FusedConv"
  std::string output_shape;  // of the first output, e.g. "[1,64,56,56]"; empty if not a tensor
  std::string algorithm;     // Operator::algorithm(); empty for reference and value operators
  bool integer = false;      // the first input holds integers (integer arithmetic)
  int64_t largest_input_bytes = 0;  // the largest tensor the step reads
  LayerCost cost;
};

// Runs `session` once on `feeds` (every graph input) and returns the cost of each step in
// execution order, indexed like Session::step_summaries(), through a step hook installed for
// that run alone; the run's outputs go to `outputs` when it is given.
std::vector<StepCost> measure_step_costs(Session& session, const std::map<std::string, Tensor>& feeds,
                                         std::vector<Tensor>* outputs = nullptr);

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Step costs from one observed run (see step_costs.h).
#include "runtime/step_costs.h"

#include <algorithm>

namespace vigil {

namespace {

std::vector<TensorShapeAndType> shapes_of(const OpInputs& tensors) {
  std::vector<TensorShapeAndType> shapes;
  for (const Tensor* t : tensors)
    shapes.push_back(t ? TensorShapeAndType{t->shape(), t->dtype()} : TensorShapeAndType{});
  return shapes;
}

std::vector<TensorShapeAndType> shapes_of(const OpOutputs& tensors) {
  std::vector<TensorShapeAndType> shapes;
  for (const Tensor& t : tensors)
    shapes.push_back(t.empty() ? TensorShapeAndType{} : TensorShapeAndType{t.shape(), t.dtype()});
  return shapes;
}

}  // namespace

std::vector<StepCost> measure_step_costs(Session& session, const std::map<std::string, Tensor>& feeds,
                                         std::vector<Tensor>* outputs) {
  std::vector<StepCost> costs;
  StepWatcher watcher([&](const StepEvent& event) {
    if (event.attempt > 0) return;
    const Node& node = event.node;
    const OpInputs& inputs = event.inputs;
    const OpOutputs& outputs = event.outputs;
    StepCost cost;
    cost.node = &node;
    cost.name = node.name.empty() ? node.outputs[0] : node.name;
    cost.op_type = node.domain.empty() ? node.op_type : node.domain + "." + node.op_type;
    if (!outputs.empty() && !outputs[0].empty()) cost.output_shape = shape_to_string(outputs[0].shape());
    cost.integer = !inputs.empty() && inputs[0] && dtype_is_integer(inputs[0]->dtype());
    cost.cost = layer_cost(node, shapes_of(inputs), shapes_of(outputs));
    for (const Tensor* input : inputs) {
      if (input) cost.largest_input_bytes = std::max(cost.largest_input_bytes, static_cast<int64_t>(input->nbytes()));
    }
    costs.push_back(std::move(cost));
  });
  {
    const ScopedStepHook watching(session, watcher);
    std::vector<Tensor> produced = session.run(feeds);
    if (outputs) *outputs = std::move(produced);
  }
  // Read after the run: operators choose their kernels when they first see the shapes.
  const std::vector<Session::StepSummary> steps = session.step_summaries();
  for (size_t i = 0; i < costs.size() && i < steps.size(); ++i) costs[i].algorithm = steps[i].algorithm;
  return costs;
}

}  // namespace vigil

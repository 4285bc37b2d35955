// SPDX-License-Identifier: Apache-2.0
// The default general path of Operator (plan, allocate, execute), the function-backed
// Operator, input helpers and the row dependence of elementwise operators.
#include "ops/operator.h"

namespace vigil {

void Operator::run(const OpInputs& inputs, OpOutputs& outputs) {
  if (!run_planned(inputs, outputs)) fail_internal("operator has neither run() nor a planned path");
}

bool Operator::run_planned(const OpInputs& inputs, OpOutputs& outputs) {
  std::vector<TensorSpec> specs;
  if (!plan(inputs, specs)) return false;
  for (size_t o = 0; o < specs.size() && o < outputs.size(); ++o) {
    // execute() writes every element, as it does into a session's arena.
    if (specs[o].dtype != DType::Undefined) outputs[o] = Tensor::for_overwrite(specs[o].dtype, specs[o].shape);
  }
  execute(inputs, outputs);
  return true;
}

void Operator::execute(const OpInputs& inputs, OpOutputs& outputs) { fail_internal("operator has no planned path"); }

namespace {
class FunctionOperator final : public Operator {
 public:
  explicit FunctionOperator(OpRunFunction run) : run_(std::move(run)) {}
  void run(const OpInputs& inputs, OpOutputs& outputs) override { run_(inputs, outputs); }

 private:
  OpRunFunction run_;
};
}  // namespace

std::unique_ptr<Operator> make_operator(OpRunFunction run) {
  return std::make_unique<FunctionOperator>(std::move(run));
}

SpatialDependence aligned_spatially(const OpInputs& inputs, int64_t output_height, int64_t output_width) {
  SpatialDependence dependence;
  for (const Tensor* input : inputs) {
    const bool aligned = input && input->rank() == 4 && (input->dim(2) == output_height || input->dim(2) == 1) &&
                         (input->dim(3) == output_width || input->dim(3) == 1);
    dependence.roles.push_back(aligned ? SpatialDependence::Role::Aligned : SpatialDependence::Role::Whole);
  }
  return dependence;
}

const Tensor& require_input(const OpInputs& inputs, size_t index, const std::string& what) {
  check_input(has_input(inputs, index), what, ": required input #", index, " is missing");
  return *inputs[index];
}

}  // namespace vigil

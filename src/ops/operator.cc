// The function-backed Operator and input helpers.
#include "ops/operator.h"

namespace vigil {

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

const Tensor& require_input(const OpInputs& inputs, size_t index, const std::string& what) {
  check_input(has_input(inputs, index), what, ": required input #", index, " is missing");
  return *inputs[index];
}

}  // namespace vigil

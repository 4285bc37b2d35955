// The function-backed ValueOperator and the lookup over the runtime's operators.
#include "runtime/value_operator.h"

#include "runtime/control_flow.h"
#include "runtime/sequence_ops.h"

namespace vigil {

namespace {
class FunctionValueOperator final : public ValueOperator {
 public:
  explicit FunctionValueOperator(ValueRunFunction run) : run_(std::move(run)) {}
  void run(const ValueInputs& inputs, ValueOutputs& outputs) override { run_(inputs, outputs); }

 private:
  ValueRunFunction run_;
};
}  // namespace

std::unique_ptr<ValueOperator> make_value_operator(ValueRunFunction run) {
  return std::make_unique<FunctionValueOperator>(std::move(run));
}

const Value& require_value(const ValueInputs& inputs, size_t index, const std::string& what) {
  check_input(has_value(inputs, index), what, ": required input #", index, " is missing");
  return *inputs[index];
}

ValueOpFactory find_value_operator_factory(const Node& node) {
  if (ValueOpFactory factory = find_control_flow_factory(node)) return factory;
  return find_sequence_factory(node);
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The function-backed ValueOperator and the lookup over the runtime's operators.
#include "runtime/value_ops/value_operator.h"

#include <set>

#include "runtime/value_ops/control_flow.h"
#include "runtime/value_ops/sequence_ops.h"

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
  if (!node.domain.empty()) return nullptr;
  for (const auto* table : {&control_flow_operators(), &sequence_operators()}) {
    auto it = table->find(node.op_type);
    if (it != table->end()) return it->second;
  }
  return nullptr;
}

std::vector<std::string> value_operator_names() {
  std::set<std::string> names;
  for (const auto* table : {&control_flow_operators(), &sequence_operators()}) {
    for (const auto& [name, factory] : *table) names.insert(name);
  }
  return {names.begin(), names.end()};
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The second kind of operator: one that works on Values (tensors, sequences, optionals)
// rather than on tensors. Control flow (If, Loop, Scan, whose bodies may carry sequences
// and optionals) and the sequence and optional operators are of this kind; they live in
// the runtime, and the session looks for them before it asks the operator registry.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/value.h"
#include "ops/operator.h"

namespace vigil {

// nullptr for an omitted optional input.
using ValueInputs = std::vector<const Value*>;
// One slot per node output, all empty on entry.
using ValueOutputs = std::vector<Value>;

class ValueOperator {
 public:
  virtual ~ValueOperator() = default;
  virtual void run(const ValueInputs& inputs, ValueOutputs& outputs) = 0;
};

using ValueOpFactory = std::unique_ptr<ValueOperator> (*)(const OpCreateInfo& info);
using ValueRunFunction = std::function<void(const ValueInputs&, ValueOutputs&)>;
std::unique_ptr<ValueOperator> make_value_operator(ValueRunFunction run);

// The input at `index`, required to be present (`what` names it in the error).
const Value& require_value(const ValueInputs& inputs, size_t index, const std::string& what);
inline bool has_value(const ValueInputs& inputs, size_t index) {
  return index < inputs.size() && inputs[index] != nullptr;
}

// The factory for a node served by a value operator (control flow first, then the
// sequence and optional operators), or nullptr.
ValueOpFactory find_value_operator_factory(const Node& node);

// The names of the operators served this way (all in the default ONNX domain), sorted.
std::vector<std::string> value_operator_names();

}  // namespace vigil

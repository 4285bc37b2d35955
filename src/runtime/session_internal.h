// What the two halves of the session share: the compiled step (session.cc builds it and
// runs the general path), the execution plan (session_plan.cc makes and runs it) and the
// rule that errors from inside an operator name its node.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "runtime/session.h"
#include "runtime/value_operator.h"

namespace vigil {

struct Session::Step {
  const Node* node;
  std::unique_ptr<Operator> op;             // a tensor operator, or
  std::unique_ptr<ValueOperator> value_op;  // a value operator
  std::vector<int> inputs;   // slot per input; -1 for an omitted optional input
  std::vector<int> outputs;  // slot per output; -1 for an unused optional output
  std::vector<int> release;  // slots whose last reader is this step
};

// The planned path's state (session_plan.cc).
struct Session::ExecutionPlan {
  struct StepPlan {
    bool planned = false;
    bool in_place = false;
    std::vector<Shape> input_shapes;  // as planned; empty for omitted inputs
    OpInputs inputs;                  // pointed at the inputs before each run
    OpOutputs outputs;                // planned: made once over the arena; else filled by run()
  };
  std::vector<DType> input_dtypes;
  std::vector<Shape> input_shapes;  // the graph inputs this plan is for
  std::vector<StepPlan> steps;
  std::vector<const Tensor*> slot_tensors;  // where each slot's tensor lives
  std::shared_ptr<std::byte> arena;
  PlanSummary summary;
};

// The step timer's clock (Session::time_steps): wall time, since a step's threads run at once.
inline double step_clock_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Errors raised inside an operator get the node's name in front, once.
[[noreturn]] inline void rethrow_naming_node(const Error& error, const Node& node) {
  const std::string message = error.what();
  if (message.rfind("node '", 0) == 0) throw error;
  throw Error(error.kind(), node.describe() + ": " + message);
}

}  // namespace vigil

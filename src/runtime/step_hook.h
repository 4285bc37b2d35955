// SPDX-License-Identifier: Apache-2.0
// Hooks around the steps of a session: the one place where tools attach to execution.
// Every path of a session (the general path, the planning run, the planned run) walks its
// steps through one loop (runtime/session_internal.h), and that loop calls the installed
// hooks before and after each step. The profiler's step timer, `vigil info`'s cost
// measurement, the quantizer's calibration observer, fault injection (which corrupts an
// output) and ABFT (which checks an output and asks for the step to run again) are all
// hooks. With no hook installed a step costs one untaken branch more than the bare
// operator call.
#pragma once

#include <cstddef>
#include <functional>

#include "graph/graph.h"
#include "ops/operator.h"

namespace vigil {

// One run of one step, as a hook sees it.
struct StepEvent {
  size_t index;  // the step's position in execution order, as in Session::step_summaries()
  const Node& node;
  const OpInputs& inputs;  // nullptr for an omitted input and for a value that is not a tensor
  // Before the step: unspecified (empty, or the buffers a planned step will write). After
  // it: the step's results, empty for an unused output or one that is not a tensor.
  OpOutputs& outputs;
  int attempt;  // 0 on the step's first run in an inference; 1, 2, ... on the runs a hook asked for
};
// A planned inference may write a step's output over an input that dies there (an Add, an
// activation), unless an installed hook reads inputs after the step
// (StepHook::reads_inputs_after_step): after such a step the input's values are gone and
// only its shape is left to read.

enum class StepVerdict { Accept, Rerun };

// A step runs at most this many times in one inference; past it the inference fails with
// an error that names the node.
inline constexpr int kMaxStepRuns = 16;

class StepHook {
 public:
  virtual ~StepHook() = default;
  virtual void before_step(const StepEvent& event) {}
  // Called once the step has run. A hook may write into the outputs or replace an output
  // by another tensor of the same dtype and shape (a fault injector does; to corrupt an
  // output that may be a view of a weight, replace it by a corrupted copy rather than
  // writing into it). Returning Rerun runs the step again on the same inputs; the hooks
  // then see it again with `attempt` one higher.
  virtual StepVerdict after_step(StepEvent& event) { return StepVerdict::Accept; }
  // Whether after_step reads the values of the step's inputs, or asks for a rerun (which
  // needs them): then no step writes its output over an input while the hook is installed.
  // A hook that looks only at outputs and shapes says false and keeps the planned runs
  // that write in place; asking for a rerun then is an internal error.
  virtual bool reads_inputs_after_step() const { return true; }
};

// A hook that only watches: calls `watch` after every run of every step and accepts it.
// `watch` reads the outputs and the inputs' shapes, not the inputs' values.
class StepWatcher final : public StepHook {
 public:
  explicit StepWatcher(std::function<void(const StepEvent&)> watch) : watch_(std::move(watch)) {}
  StepVerdict after_step(StepEvent& event) override {
    watch_(event);
    return StepVerdict::Accept;
  }
  bool reads_inputs_after_step() const override { return false; }

 private:
  std::function<void(const StepEvent&)> watch_;
};

}  // namespace vigil

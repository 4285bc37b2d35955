// SPDX-License-Identifier: Apache-2.0
// What the two halves of the session share: the compiled step (session.cc builds it and
// runs the general path), the execution plan (session_plan.cc makes and runs it), the
// one step loop that every path runs through, with its hooks, and the rule that errors
// from inside an operator name its node.
#pragma once

#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

#include "abft/step_checker.h"
#include "core/error.h"
#include "core/thread_scratch.h"
#include "kernels/gemm_check.h"
#include "runtime/session.h"
#include "runtime/value_ops/value_operator.h"

namespace vigil {

struct Session::Step {
  const Node* node;
  std::unique_ptr<Operator> op;             // a tensor operator, or
  std::unique_ptr<ValueOperator> value_op;  // a value operator
  std::vector<int> inputs;                  // slot per input; -1 for an omitted optional input
  std::vector<int> outputs;                 // slot per output; -1 for an unused optional output
  std::vector<int> release;                 // slots whose last reader is this step
};

// The planned path's state (session_plan.cc).
struct Session::ExecutionPlan {
  struct StepPlan {
    bool planned = false;
    bool in_place = false;
    std::vector<Shape> input_shapes;  // as planned; empty for omitted inputs
    OpInputs inputs;                  // pointed at the inputs before each run
    OpOutputs outputs;                // planned: made once over the arena; else filled by run()
    OpOutputs buffers;                // planned: the tensors made over the arena, kept

    // One run of the step's operator: execute() into the planned outputs, or run() on fresh ones.
    void run(Operator& op) {
      if (planned) {
        op.execute(inputs, outputs);
        return;
      }
      for (Tensor& output : outputs) output = Tensor();
      op.run(inputs, outputs);
    }
  };
  std::vector<DType> input_dtypes;
  std::vector<Shape> input_shapes;  // the graph inputs this plan is for
  std::vector<StepPlan> steps;
  std::vector<const Tensor*> slot_tensors;  // where each slot's tensor lives
  std::shared_ptr<std::byte> arena;
  PlanSummary summary;
};

// What a path asks of the loop for one step.
enum class StepStart {
  Run,      // run the step
  Skip,     // leave it out: its outputs stand as they are (a replay, runtime/session_replay.cc)
  Abandon,  // stop the inference (the planned path, when shapes changed)
};

// The general path: any values, outputs allocated by the operators, every intermediate
// value released after its last reader (unless `keep_values`: a trace keeps them all).
struct Session::GeneralPath {
  Session& session;
  std::vector<Value>& values;
  bool keep_values = false;
  ValueInputs value_inputs{};
  OpInputs tensor_inputs{};  // the tensors inside value_inputs
  ValueOutputs value_outputs{};
  OpOutputs tensor_outputs{};  // the tensors of value_outputs, or a tensor operator's outputs

  StepStart prepare(size_t s) {
    const Step& step = session.steps_[s];
    value_inputs.assign(step.inputs.size(), nullptr);
    tensor_inputs.assign(step.inputs.size(), nullptr);
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      const int slot = step.inputs[i];
      if (slot < 0) continue;
      check_input(!values[slot].empty(), "input #", i, " has no value");
      const Value& value = values[slot];
      value_inputs[i] = &value;
      // An empty optional is an omitted input; a sequence reaches only value operators.
      if (value.is_none()) continue;
      if (value.is_sequence()) {
        if (!step.value_op) fail_bad_input("input #", i, " is a sequence; ", step.node->op_type, " takes tensors");
        continue;
      }
      tensor_inputs[i] = &value.tensor();
    }
    return StepStart::Run;
  }

  void run(size_t s) {
    const Step& step = session.steps_[s];
    tensor_outputs.assign(step.outputs.size(), Tensor());
    if (!step.value_op) {
      step.op->run(tensor_inputs, tensor_outputs);
      return;
    }
    value_outputs.assign(step.outputs.size(), Value());
    step.value_op->run(value_inputs, value_outputs);
    for (size_t o = 0; o < value_outputs.size(); ++o) {
      if (value_outputs[o].is_tensor()) tensor_outputs[o] = value_outputs[o].tensor();
    }
  }

  void accept(size_t) {}

  void finish(size_t s) {
    const Step& step = session.steps_[s];
    for (size_t o = 0; o < step.outputs.size(); ++o) {
      const int slot = step.outputs[o];
      if (slot < 0) continue;
      // A hook may have replaced a tensor output: the tensor is what goes on, in an optional
      // where the operator made one.
      if (!step.value_op) {
        values[slot] = std::move(tensor_outputs[o]);
      } else if (!value_outputs[o].is_tensor()) {
        values[slot] = std::move(value_outputs[o]);
      } else {
        const bool optional = value_outputs[o].is_optional();
        values[slot] = optional ? Value::some(std::move(tensor_outputs[o])) : Value(std::move(tensor_outputs[o]));
      }
    }
    if (keep_values) return;
    for (int slot : step.release) values[slot] = Value();
  }

  const OpInputs& inputs(size_t) const { return tensor_inputs; }
  OpOutputs& outputs(size_t) { return tensor_outputs; }
};

// Errors raised inside an operator get the node's name in front, once.
[[noreturn]] inline void rethrow_naming_node(const Error& error, const Node& node) {
  const std::string message = error.what();
  if (message.rfind("node '", 0) == 0) throw error;
  throw Error(error.kind(), node.describe() + ": " + message);
}

// Runs one operator's work (its creation or a step). Its errors name the node; a standard
// container that cannot grow to the size the model asks for (std::bad_alloc,
// std::length_error) is a bad-input error naming the node too, not a crash.
template <class Work>
void naming_node(const Node& node, Work&& work) {
  try {
    work();
  } catch (const Error& e) {
    rethrow_naming_node(e, node);
  } catch (const std::bad_alloc&) {
    rethrow_naming_node(Error(ErrorKind::BadInput, "needs more memory than the system can give"), node);
  } catch (const std::length_error&) {
    rethrow_naming_node(Error(ErrorKind::BadInput, "asks for a buffer larger than memory can hold"), node);
  }
}

// The one step loop. A path (general, planning, planned, replay) says how one step runs:
//   StepStart prepare(size_t s)  sets the step's inputs and outputs, or skips the step or
//                                abandons the inference;
//   void run(size_t s)           runs the step's operator once (again, on a re-run);
//   void accept(size_t s)        after hooks accepted the outputs (they may have replaced them);
//   void finish(size_t s)        stores the outputs and releases what dies here;
//   inputs(s), outputs(s)        what the hooks see.
// Without hooks a step costs the untaken `hooked` branch and nothing else.
template <typename Path>
bool Session::run_steps(Path& path) {
  const bool hooked = !hooks_.empty();
  // With ABFT, the products of every step on this thread report to its checker's sink.
  kernels::GemmThreadContext gemm_context = kernels::gemm_thread_context();
  if (abft_) gemm_context.check = &abft_->sink();
  const kernels::GemmThreadScope checked(gemm_context);
  for (size_t s = 0; s < steps_.size(); ++s) {
    StepStart start = StepStart::Run;
    naming_node(*steps_[s].node, [&] {
      start = path.prepare(s);
      if (start != StepStart::Run) return;
      if (hooked) {
        run_hooked_step(s, path);
      } else {
        path.run(s);
      }
    });
    if (start == StepStart::Abandon) return false;
    if (start == StepStart::Run) path.finish(s);
  }
  equalize_thread_scratch();  // the next inference allocates nothing, whichever thread takes which part
  return true;
}

template <typename Path>
void Session::run_hooked_step(size_t index, Path& path) {
  for (int attempt = 0;; ++attempt) {
    StepEvent event{index, *steps_[index].node, path.inputs(index), path.outputs(index), attempt};
    for (StepHook* hook : hooks_) hook->before_step(event);
    path.run(index);
    bool rerun = false;
    for (auto hook = hooks_.rbegin(); hook != hooks_.rend(); ++hook) {
      const bool asks = (*hook)->after_step(event) == StepVerdict::Rerun;
      if (asks && !(*hook)->reads_inputs_after_step()) {
        throw Error(ErrorKind::Internal, "a step hook that does not read inputs after a step asked for a rerun");
      }
      rerun = asks || rerun;
    }
    if (!rerun) break;
    check_input(attempt + 1 < kMaxStepRuns, "ran ", kMaxStepRuns, " times and a hook still asks to run it again");
  }
  path.accept(index);
}

}  // namespace vigil

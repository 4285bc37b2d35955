// SPDX-License-Identifier: Apache-2.0
// A session: a graph compiled into an ordered list of steps, one operator per node,
// each reading and writing numbered value slots. A slot holds a Value: a tensor, a
// sequence or an optional. Tensor operators (ops/) get the tensors inside (an empty
// optional reaches them as an omitted input, a sequence is refused); value operators
// (runtime/: control flow, sequences, optionals) get the Values. run() checks the feeds
// against the declared inputs (kinds, types, ranks, fixed dimensions, symbolic
// dimensions bound consistently), executes the steps, frees every intermediate value
// after its last reader, and returns the graph outputs. A session of tensor operators only
// also plans: the first inference with given input shapes records every step's output
// shapes and lays the intermediates out in one arena (runtime/memory_plan.h); later
// inferences with the same shapes run on that plan, calling the operators' allocation-free
// execute() (session_plan.cc).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "abft/abft_options.h"
#include "core/value.h"
#include "graph/graph.h"
#include "ops/operator.h"
#include "runtime/spatial_box.h"
#include "runtime/step_hook.h"

namespace vigil {

struct SessionOptions {
  SessionOptions(int threads = 1, bool optimize = true, abft::Options abft = {})
      : threads(threads), optimize(optimize), abft(abft) {}
  int threads = 1;
  // Run the graph optimisation passes (runtime/graph_optimizer.h) on a copy of the main
  // graph before compiling it; subgraph sessions never optimise.
  bool optimize = true;
  // Check every matrix product by checksums (abft/step_checker.h); a subgraph's products
  // count for the step of the If, Loop or Scan that runs it.
  abft::Options abft;
};

namespace abft {
class StepChecker;
}

class Session {
 public:
  explicit Session(std::shared_ptr<const Model> model, SessionOptions options = {});
  // A session over a subgraph (the body of If, Loop or Scan): `outer_values` are the names
  // of enclosing-scope values it reads; run() then takes them as feeds as well.
  Session(const Graph& graph, const Model& model, const std::vector<std::string>& outer_values, SessionOptions options);
  ~Session();

  const Graph& graph() const { return *graph_; }
  const Model& model() const { return *model_; }

  // Feeds by name: every graph input (and outer value) is required. Returns the graph
  // outputs in declaration order; a bad-input Error if one of them is not a tensor.
  std::vector<Tensor> run(const std::map<std::string, Tensor>& feeds);
  // The same for any values: sequences and optionals as well as tensors.
  std::vector<Value> run_values(const std::map<std::string, Value>& feeds);
  // The allocation-free form for repeated inference: `inputs` are the graph inputs in
  // declaration order. `outputs` is resized to the graph outputs; a tensor already there
  // with the output's type and shape is overwritten in place. After the first call with
  // given input shapes, a call with the same shapes allocates no memory when every
  // operator has a planned path.
  void run_into(const std::vector<const Tensor*>& inputs, std::vector<Tensor>& outputs);

  // Replay (runtime/session_replay.cc): a fault-free inference that keeps every value, and
  // runs that start from it and redo only what a change reaches. Fault injection runs each
  // faulty inference this way.
  struct Trace {
    std::vector<Value> values;  // every value slot after the inference, nothing released
    uint64_t id = 0;            // unique in the process
  };
  Trace trace(const std::map<std::string, Tensor>& feeds);
  // A traced value by name; nullptr for a name the session does not know.
  const Value* traced_value(const Trace& trace, const std::string& name) const;
  struct Replay {
    std::vector<Value> outputs;  // the graph outputs in declaration order
    size_t steps_run = 0;
    size_t box_steps = 0;  // of those, the steps that computed only a box of rows and columns
  };
  // Starts from the trace with `replaced` graph inputs (by name) put in, runs the `forced`
  // steps, and runs any other step only when one of its inputs differs from the trace
  // (bit for bit). A step that is not run keeps the trace's outputs, so a change that dies
  // out (a corrupted value that a Relu clips, a result that comes out equal) costs nothing
  // further. Hooks see the steps that run, and may change their outputs. Steps with a
  // planned path execute into buffers the session keeps from one replay to the next, so
  // replays allocate next to nothing; the outputs returned are copies. Without ABFT, a
  // convolution, pooling or elementwise step whose changed inputs differ from the trace in
  // a box of rows and columns computes only the output box that box reaches
  // (runtime/spatial_box.h) when that is at most seven eighths of the map, and keeps the
  // trace's other values.
  // Forced steps listed in `outputs_replaced` are those whose outputs the hooks replace by
  // new tensors (an output fault): without ABFT, and while their inputs are the trace's,
  // they are not run and the hooks get the traced outputs, which they must not write.
  Replay replay(const Trace& trace, const std::vector<size_t>& forced,
                const std::map<std::string, Tensor>& replaced = {}, const std::vector<size_t>& outputs_replaced = {});

  // The memory plan of the last planned inference; all zero before one.
  struct PlanSummary {
    size_t arena_bytes = 0;    // the arena of intermediate tensors
    size_t tensor_bytes = 0;   // what the same tensors would take without sharing
    size_t planned_steps = 0;  // steps running allocation-free
    size_t steps = 0;
    size_t in_place_steps = 0;  // steps writing into their input's buffer
  };
  PlanSummary plan_summary() const;

  // The nodes in execution order with the algorithm each operator runs (Operator::algorithm;
  // empty for reference operators and value operators).
  struct StepSummary {
    const Node* node;
    std::string algorithm;
  };
  std::vector<StepSummary> step_summaries() const;

  size_t step_count() const;

  // The ABFT checker the options asked for (its counters per step, in execution order),
  // or nullptr.
  const abft::StepChecker* abft_checker() const { return abft_.get(); }

  // Installs a hook around every step of this session (runtime/step_hook.h; not owned:
  // it must stay alive while installed). The hooks' before_step run in installation
  // order and their after_step in reverse, so a hook installed later sits closer to the
  // operator. While a hook that reads inputs after a step is installed
  // (StepHook::reads_inputs_after_step), no step writes over its input's buffer, so that
  // every step can run again: installing the first such hook drops a plan that did, and
  // the plan made then stays so after the hook leaves (a fault campaign installs one hook
  // per inference: planning again at each would cost more than the in-place steps save).
  // Hooks see the steps of this session, not those of the subgraphs of If, Loop or Scan.
  void add_hook(StepHook& hook);
  void remove_hook(StepHook& hook);

 private:
  struct Step;
  void compile(const std::vector<std::string>& outer_values);
  std::vector<Value> fed_values(const std::map<std::string, Value>& feeds) const;
  void check_feed(const ValueInfo& declared, const Value& value, std::map<std::string, int64_t>& symbols) const;
  void check_tensor_feed(const ValueInfo& declared, const Tensor& tensor,
                         std::map<std::string, int64_t>& symbols) const;
  // The one step loop and the three paths it drives (session_internal.h, session.cc,
  // session_plan.cc).
  template <typename Path>
  bool run_steps(Path& path);
  template <typename Path>
  void run_hooked_step(size_t index, Path& path);
  struct GeneralPath;
  struct PlanningPath;
  struct PlannedPath;
  struct ReplayPath;
  // Planned execution (session_plan.cc).
  struct ExecutionPlan;
  bool plan_matches(const std::vector<const Tensor*>& inputs) const;
  bool run_planned(const std::vector<const Tensor*>& inputs);
  std::vector<Tensor> plan_and_run(const std::vector<const Tensor*>& inputs);
  void copy_planned_outputs(std::vector<Tensor>& outputs) const;

  std::shared_ptr<const Model> owned_model_;
  const Model* model_;
  const Graph* graph_;
  SessionOptions options_;
  std::map<std::string, int> slot_of_;
  std::vector<Value> constants_;  // slot-indexed; empty where not constant
  std::vector<int> input_slots_;  // graph inputs, then outer values
  std::vector<std::string> input_names_;
  std::vector<int> output_slots_;
  std::vector<Step> steps_;
  std::vector<StepHook*> hooks_;
  bool in_place_allowed() const;  // no installed hook reads inputs after a step
  bool plannable_ = false;  // tensor operators only, and not a subgraph
  std::unique_ptr<ExecutionPlan> plan_;
  struct ReplayBuffer {
    OpOutputs outputs;   // what the step's replays execute into
    uint64_t trace = 0;  // the trace whose output outputs[0] holds outside the stale box
    Box stale;           // the box of outputs[0] that may differ from that trace
  };
  std::vector<ReplayBuffer> replay_buffers_;  // by step
  BoxBuffers box_buffers_;                    // the boxes that replays run steps on
  std::unique_ptr<abft::StepChecker> abft_;   // installed as the first hook
};

// Installs a hook on a session for the lifetime of this object.
class ScopedStepHook {
 public:
  ScopedStepHook(Session& session, StepHook& hook) : session_(session), hook_(hook) { session.add_hook(hook); }
  ~ScopedStepHook() { session_.remove_hook(hook_); }
  ScopedStepHook(const ScopedStepHook&) = delete;
  ScopedStepHook& operator=(const ScopedStepHook&) = delete;

 private:
  Session& session_;
  StepHook& hook_;
};

}  // namespace vigil

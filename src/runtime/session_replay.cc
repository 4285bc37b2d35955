// SPDX-License-Identifier: Apache-2.0
// Replay: a traced fault-free inference, and runs that start from it. A replay walks the
// same step loop as every other path, but a step runs only when it is forced (the step a
// fault corrupts) or when one of its inputs differs from the trace; every other step is
// skipped and its outputs stay the trace's. A change that a later step absorbs therefore
// stops there, and branches it never reaches are never recomputed.
#include <algorithm>

#include "runtime/session_internal.h"

namespace vigil {


Session::Trace Session::trace(const std::map<std::string, Tensor>& feeds) {
  std::map<std::string, Value> value_feeds;
  for (const auto& [name, tensor] : feeds) value_feeds.emplace(name, tensor);
  Trace trace{fed_values(value_feeds)};
  GeneralPath path{*this, trace.values, /*keep_values=*/true};
  run_steps(path);
  return trace;
}

const Value* Session::traced_value(const Trace& trace, const std::string& name) const {
  const auto slot = slot_of_.find(name);
  return slot == slot_of_.end() || static_cast<size_t>(slot->second) >= trace.values.size()
             ? nullptr
             : &trace.values[slot->second];
}

struct Session::ReplayPath {
  GeneralPath general;
  const Trace& trace;
  std::vector<char> forced;   // by step
  std::vector<char> changed;  // by slot: differs from the trace
  size_t steps_run = 0;

  StepStart prepare(size_t s) {
    const Step& step = general.session.steps_[s];
    bool run = forced[s];
    for (int slot : step.inputs) run = run || (slot >= 0 && changed[slot]);
    if (!run) return StepStart::Skip;
    ++steps_run;
    return general.prepare(s);
  }
  // A planned operator executes into the step's kept buffers (made again only when a
  // shape changed, which a corrupted shape tensor can do); any other runs as usual.
  void run(size_t s) {
    const Step& step = general.session.steps_[s];
    std::vector<TensorSpec> specs;
    if (!step.op || !step.op->plan(general.tensor_inputs, specs)) {
      general.run(s);
      return;
    }
    OpOutputs& buffers = general.session.replay_buffers_[s];
    buffers.resize(step.outputs.size());
    general.tensor_outputs.assign(step.outputs.size(), Tensor());
    for (size_t o = 0; o < specs.size() && o < buffers.size(); ++o) {
      if (specs[o].dtype == DType::Undefined) continue;
      if (buffers[o].dtype() != specs[o].dtype || buffers[o].shape() != specs[o].shape) {
        buffers[o] = Tensor(specs[o].dtype, specs[o].shape);
      }
      general.tensor_outputs[o] = buffers[o];
    }
    step.op->execute(general.tensor_inputs, general.tensor_outputs);
  }
  void accept(size_t s) { general.accept(s); }
  void finish(size_t s) {
    general.finish(s);
    for (int slot : general.session.steps_[s].outputs) {
      if (slot >= 0) changed[slot] = !identical(general.values[slot], trace.values[slot]);
    }
  }
  const OpInputs& inputs(size_t s) const { return general.inputs(s); }
  OpOutputs& outputs(size_t s) { return general.outputs(s); }
};

Session::Replay Session::replay(const Trace& trace, const std::vector<size_t>& forced,
                                const std::map<std::string, Tensor>& replaced) {
  std::vector<Value> values = trace.values;
  replay_buffers_.resize(steps_.size());
  ReplayPath path{GeneralPath{*this, values, /*keep_values=*/true}, trace, std::vector<char>(steps_.size(), 0),
                  std::vector<char>(values.size(), 0)};
  for (size_t s : forced) {
    check_input(s < steps_.size(), "replay: step ", s, " of ", steps_.size(), " does not exist");
    path.forced[s] = 1;
  }
  for (const auto& [name, tensor] : replaced) {
    const auto input = std::find(input_names_.begin(), input_names_.end(), name);
    check_input(input != input_names_.end(), "replay: '", name, "' is not an input of the model");
    const int slot = input_slots_[input - input_names_.begin()];
    values[slot] = tensor;
    path.changed[slot] = !identical(values[slot], trace.values[slot]);
  }
  run_steps(path);
  Replay replay;
  replay.steps_run = path.steps_run;
  // Copies: the next replay executes into the same buffers.
  for (int slot : output_slots_) {
    const Value& value = values[slot];
    replay.outputs.push_back(value.is_tensor() && !value.is_optional() ? Value(value.tensor().clone()) : value);
  }
  return replay;
}

}  // namespace vigil

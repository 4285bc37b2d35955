// SPDX-License-Identifier: Apache-2.0
// Replay: a traced fault-free inference, and runs that start from it. A replay walks the
// same step loop as every other path, but a step runs only when it is forced (the step a
// fault corrupts) or when one of its inputs differs from the trace; every other step is
// skipped and its outputs stay the trace's. A change that a later step absorbs therefore
// stops there, and branches it never reaches are never recomputed. Inside a step that
// runs, only the box of rows and columns the change reaches is computed where the
// operator allows it (runtime/spatial_box.h), and a step faulted only in its outputs takes
// the traced ones.
#include <algorithm>
#include <atomic>

#include "runtime/session_internal.h"

namespace vigil {

Session::Trace Session::trace(const std::map<std::string, Tensor>& feeds) {
  std::map<std::string, Value> value_feeds;
  for (const auto& [name, tensor] : feeds) value_feeds.emplace(name, tensor);
  static std::atomic<uint64_t> traces{0};
  Trace trace{fed_values(value_feeds), ++traces};
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

namespace {

// Where `now` differs from the trace's `traced`: the box of `within` (4-D tensors of one
// shape), everything (any other change), or nothing.
Box changed_box(const Value& now, const Value& traced, const Box& within) {
  if (now.is_tensor() && traced.is_tensor() && !now.is_optional() && !traced.is_optional()) {
    const Tensor& a = now.tensor();
    const Tensor& b = traced.tensor();
    if (a.rank() == 4 && a.dtype() != DType::String && a.dtype() == b.dtype() && a.shape() == b.shape()) {
      return differing_box(a, b, within);
    }
  }
  return identical(now, traced) ? Box{} : Box::all();
}

}  // namespace

struct Session::ReplayPath {
  GeneralPath general;
  const Trace& trace;
  std::vector<char> forced;  // by step
  std::vector<char> traced;  // by step: forced, but the hooks may take the traced outputs
  std::vector<Box> changed;  // by slot: the box that differs from the trace
  bool boxes = false;        // steps may run on boxes, and take traced outputs
  Box computed = {};         // the box of output 0 that the running step computes
  size_t steps_run = 0, box_steps = 0;

  StepStart prepare(size_t s) {
    const Step& step = general.session.steps_[s];
    bool run = forced[s];
    for (int slot : step.inputs) run = run || (slot >= 0 && !changed[slot].empty());
    if (!run) return StepStart::Skip;
    ++steps_run;
    return general.prepare(s);
  }
  // A planned operator executes into the step's kept buffers (made again only when a
  // shape changed, which a corrupted shape tensor can do), on a box where it can; any
  // other runs as usual.
  void run(size_t s) {
    const Step& step = general.session.steps_[s];
    computed = Box::all();
    if (boxes && traced[s] && hand_traced_outputs(s)) return;
    if (boxes && !forced[s] && run_box(s)) {
      ++box_steps;
      return;
    }
    std::vector<TensorSpec> specs;
    if (!step.op || !step.op->plan(general.tensor_inputs, specs)) {
      general.run(s);
      return;
    }
    ReplayBuffer& buffer = general.session.replay_buffers_[s];
    OpOutputs& buffers = buffer.outputs;
    buffers.resize(step.outputs.size());
    buffer.stale = Box::all();
    general.tensor_outputs.assign(step.outputs.size(), Tensor());
    for (size_t o = 0; o < specs.size() && o < buffers.size(); ++o) {
      if (specs[o].dtype == DType::Undefined) continue;
      if (buffers[o].dtype() != specs[o].dtype || buffers[o].shape() != specs[o].shape) {
        buffers[o] = Tensor::for_overwrite(specs[o].dtype, specs[o].shape);  // execute() writes it all
      }
      general.tensor_outputs[o] = buffers[o];
    }
    step.op->execute(general.tensor_inputs, general.tensor_outputs);
  }

  // A step whose inputs are the trace's computes the trace's outputs: they are handed over
  // as they are (the hooks replace them rather than write them). False where an input
  // differs or an output is not a tensor.
  bool hand_traced_outputs(size_t s) {
    const Step& step = general.session.steps_[s];
    if (!step.op) return false;
    for (int slot : step.inputs) {
      if (slot >= 0 && !changed[slot].empty()) return false;
    }
    general.tensor_outputs.assign(step.outputs.size(), Tensor());
    for (size_t o = 0; o < step.outputs.size(); ++o) {
      const int slot = step.outputs[o];
      if (slot < 0) continue;
      const Value& value = trace.values[slot];
      if (!value.is_tensor() || value.is_optional()) return false;
      general.tensor_outputs[o] = value.tensor();
    }
    return true;
  }

  // Runs the step on the box its changed inputs reach, into its buffer holding the
  // trace's output elsewhere; false (nothing run) where the step cannot or where the box
  // is most of the output.
  bool run_box(size_t s) {
    using Role = SpatialDependence::Role;
    Session& session = general.session;
    const Step& step = session.steps_[s];
    const OpInputs& in = general.tensor_inputs;
    if (!step.op || step.outputs.size() != 1 || step.outputs[0] < 0) return false;
    const Value& traced_value = trace.values[step.outputs[0]];
    if (!traced_value.is_tensor() || traced_value.is_optional()) return false;
    const Tensor& traced = traced_value.tensor();
    if (traced.rank() != 4 || traced.dtype() == DType::String) return false;
    const std::optional<SpatialDependence> dependence = step.op->spatial_dependence(in);
    if (!dependence || dependence->roles.size() != in.size()) return false;
    const int64_t height = traced.dim(2), width = traced.dim(3);
    int64_t input_height = height, input_width = width;  // of the Windowed inputs
    Box reached;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) continue;
      const Role role = dependence->roles[i];
      if (role != Role::Whole && in[i]->rank() != 4) return false;
      if (role == Role::Windowed) {
        input_height = in[i]->dim(2);
        input_width = in[i]->dim(3);
      }
      const Box& changed_input = changed[step.inputs[i]];
      if (changed_input.empty()) continue;
      if (role == Role::Whole) return false;
      reached = unite(reached, reached_box(*dependence, role, in[i]->shape(), changed_input, height, width));
    }
    const Box wanted = reached.empty() ? Box{{0, 1}, {0, 1}} : reached;
    const BandRun rows = band_run(dependence->rows, wanted.rows, input_height, height);
    const BandRun cols = band_run(dependence->cols, wanted.cols, input_width, width);
    const Box computed_box{rows.computed, cols.computed}, output_box{rows.output, cols.output};
    if (8 * computed_box.area() > 7 * height * width) return false;

    ReplayBuffer& buffer = session.replay_buffers_[s];
    if (!reached.empty()) {
      OpInputs box_inputs = in;
      if (box_slices.size() < in.size()) box_slices.resize(in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        if (!in[i] || dependence->roles[i] == Role::Whole) continue;
        // An Aligned input's axis of size 1 is broadcast, and taken whole.
        const Box box = dependence->roles[i] == Role::Windowed
                            ? Box{rows.input, cols.input}
                            : Box{in[i]->dim(2) == height ? rows.computed : Band{0, 1},
                                  in[i]->dim(3) == width ? cols.computed : Band{0, 1}};
        box_slices[i] = session.box_buffers_.box_of(i, *in[i], box);
        box_inputs[i] = &box_slices[i];
      }
      std::vector<TensorSpec> specs;
      const Shape expected{traced.dim(0), traced.dim(1), computed_box.rows.size(), computed_box.cols.size()};
      const bool planned = step.op->plan(box_inputs, specs) && specs.size() == 1 &&
                           specs[0].dtype == traced.dtype() && specs[0].shape == expected;
      if (!planned) return false;  // the whole run plans the operator again
      OpOutputs box_output{session.box_buffers_.tensor(in.size(), specs[0].dtype, specs[0].shape)};
      step.op->execute(box_inputs, box_output);
      // The operator goes back to the whole input's plan, which planned inferences assume.
      step.op->plan(in, specs);
      restore_trace_box(buffer, trace.id, traced);
      copy_box(box_output[0], buffer.outputs[0],
               {output_box.rows.begin - computed_box.rows.begin, output_box.cols.begin - computed_box.cols.begin,
                output_box.rows.begin, output_box.cols.begin, output_box.rows.size(), output_box.cols.size()});
      buffer.stale = output_box;
    } else {
      restore_trace_box(buffer, trace.id, traced);  // no output value reads a changed one
    }
    computed = reached.empty() ? Box{} : output_box;
    general.tensor_outputs.assign(1, buffer.outputs[0]);
    return true;
  }

  // Makes the buffer's output 0 equal to the output `traced` of trace `id` again.
  static void restore_trace_box(ReplayBuffer& buffer, uint64_t id, const Tensor& traced) {
    buffer.outputs.resize(1);
    Tensor& output = buffer.outputs[0];
    const bool fresh = output.dtype() != traced.dtype() || output.shape() != traced.shape();
    if (fresh) output = Tensor::for_overwrite(traced.dtype(), traced.shape());
    const Box stale = buffer.trace == id && !fresh ? intersect(buffer.stale, Box::of(traced)) : Box::of(traced);
    copy_box(traced, output,
             {stale.rows.begin, stale.cols.begin, stale.rows.begin, stale.cols.begin, stale.rows.size(),
              stale.cols.size()});
    buffer.trace = id;
    buffer.stale = {};
  }

  void accept(size_t s) { general.accept(s); }
  void finish(size_t s) {
    general.finish(s);
    const std::vector<int>& outputs = general.session.steps_[s].outputs;
    for (size_t o = 0; o < outputs.size(); ++o) {
      const int slot = outputs[o];
      if (slot >= 0)
        changed[slot] = changed_box(general.values[slot], trace.values[slot], o == 0 ? computed : Box::all());
    }
  }
  const OpInputs& inputs(size_t s) const { return general.inputs(s); }
  OpOutputs& outputs(size_t s) { return general.outputs(s); }

  std::vector<Tensor> box_slices = {};  // the box inputs of the running step
};

Session::Replay Session::replay(const Trace& trace, const std::vector<size_t>& forced,
                                const std::map<std::string, Tensor>& replaced,
                                const std::vector<size_t>& outputs_replaced) {
  std::vector<Value> values = trace.values;
  replay_buffers_.resize(steps_.size());
  ReplayPath path{GeneralPath{*this, values, /*keep_values=*/true},
                  trace,
                  std::vector<char>(steps_.size(), 0),
                  std::vector<char>(steps_.size(), 0),
                  std::vector<Box>(values.size()),
                  /*boxes=*/!abft_};
  for (size_t s : forced) {
    check_input(s < steps_.size(), "replay: step ", s, " of ", steps_.size(), " does not exist");
    path.forced[s] = 1;
  }
  for (size_t s : outputs_replaced) {
    if (s < steps_.size() && path.forced[s]) path.traced[s] = 1;
  }
  for (const auto& [name, tensor] : replaced) {
    const auto input = std::find(input_names_.begin(), input_names_.end(), name);
    check_input(input != input_names_.end(), "replay: '", name, "' is not an input of the model");
    const int slot = input_slots_[input - input_names_.begin()];
    values[slot] = tensor;
    path.changed[slot] = changed_box(values[slot], trace.values[slot], Box::all());
  }
  run_steps(path);
  Replay replay;
  replay.steps_run = path.steps_run;
  replay.box_steps = path.box_steps;
  // Copies: the next replay executes into the same buffers.
  for (int slot : output_slots_) {
    const Value& value = values[slot];
    replay.outputs.push_back(value.is_tensor() && !value.is_optional() ? Value(value.tensor().clone()) : value);
  }
  return replay;
}

}  // namespace vigil

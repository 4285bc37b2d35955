// SPDX-License-Identifier: Apache-2.0
// Replay: a traced fault-free inference, and runs that start from it. A replay walks the
// same step loop as every other path, but a step runs only when it is forced (the step a
// fault corrupts) or when one of its inputs differs from the trace; every other step is
// skipped and its outputs stay the trace's. A change that a later step absorbs therefore
// stops there, and branches it never reaches are never recomputed. Inside a step that
// runs, only the rows the change reaches are computed where the operator allows it
// (runtime/row_band.h), and a step faulted only in its outputs takes the traced ones.
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

// Where `now` differs from the trace's `traced`: the rows of `within` (4-D tensors of one
// shape), all rows (any other change), or none.
RowBand changed_rows(const Value& now, const Value& traced, RowBand within) {
  if (now.is_tensor() && traced.is_tensor() && !now.is_optional() && !traced.is_optional()) {
    const Tensor& a = now.tensor();
    const Tensor& b = traced.tensor();
    if (a.rank() == 4 && a.dtype() != DType::String && a.dtype() == b.dtype() && a.shape() == b.shape()) {
      return differing_rows(a, b, within);
    }
  }
  return identical(now, traced) ? RowBand{} : RowBand::all();
}

}  // namespace

struct Session::ReplayPath {
  GeneralPath general;
  const Trace& trace;
  std::vector<char> forced;      // by step
  std::vector<char> traced;      // by step: forced, but the hooks may take the traced outputs
  std::vector<RowBand> changed;  // by slot: the rows that differ from the trace
  bool bands = false;            // steps may run on bands of rows, and take traced outputs
  RowBand computed = {};         // the rows of output 0 that the running step computes
  size_t steps_run = 0, band_steps = 0;

  StepStart prepare(size_t s) {
    const Step& step = general.session.steps_[s];
    bool run = forced[s];
    for (int slot : step.inputs) run = run || (slot >= 0 && !changed[slot].empty());
    if (!run) return StepStart::Skip;
    ++steps_run;
    return general.prepare(s);
  }
  // A planned operator executes into the step's kept buffers (made again only when a
  // shape changed, which a corrupted shape tensor can do), on a band of rows where it can;
  // any other runs as usual.
  void run(size_t s) {
    const Step& step = general.session.steps_[s];
    computed = RowBand::all();
    if (bands && traced[s] && hand_traced_outputs(s)) return;
    if (bands && !forced[s] && run_band(s)) {
      ++band_steps;
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
    buffer.stale = RowBand::all();
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

  // Runs the step on the band of rows its changed inputs reach, into its buffer holding
  // the trace's output elsewhere; false (nothing run) where the step cannot or where the
  // band is most of the output.
  bool run_band(size_t s) {
    Session& session = general.session;
    const Step& step = session.steps_[s];
    const OpInputs& in = general.tensor_inputs;
    if (!step.op || step.outputs.size() != 1 || step.outputs[0] < 0) return false;
    const Value& traced_value = trace.values[step.outputs[0]];
    if (!traced_value.is_tensor() || traced_value.is_optional()) return false;
    const Tensor& traced = traced_value.tensor();
    if (traced.rank() != 4 || traced.dtype() == DType::String) return false;
    const std::optional<RowDependence> rows = step.op->row_dependence(in);
    if (!rows || rows->roles.size() != in.size()) return false;
    const int64_t height = traced.dim(2);
    int64_t input_height = height;  // of the Windowed inputs
    RowBand reached;
    for (size_t i = 0; i < in.size(); ++i) {
      if (!in[i]) continue;
      const RowDependence::Role role = rows->roles[i];
      if (role != RowDependence::Role::Whole && in[i]->rank() != 4) return false;
      if (role == RowDependence::Role::Windowed) input_height = in[i]->dim(2);
      const RowBand changed_input = changed[step.inputs[i]];
      if (changed_input.empty()) continue;
      if (role == RowDependence::Role::Whole) return false;
      reached = unite(reached, reached_rows(*rows, role, changed_input, height));
    }
    const BandRun run = band_run(*rows, reached.empty() ? RowBand{0, 1} : reached, input_height, height);
    if (8 * run.computed.rows() > 7 * height) return false;

    ReplayBuffer& buffer = session.replay_buffers_[s];
    if (!reached.empty()) {
      OpInputs band_inputs = in;
      if (band_slices.size() < in.size()) band_slices.resize(in.size());
      for (size_t i = 0; i < in.size(); ++i) {
        if (!in[i] || rows->roles[i] == RowDependence::Role::Whole) continue;
        const bool windowed = rows->roles[i] == RowDependence::Role::Windowed;
        band_slices[i] = session.band_buffers_.rows_of(i, *in[i], windowed ? run.input : run.computed);
        band_inputs[i] = &band_slices[i];
      }
      std::vector<TensorSpec> specs;
      const bool planned = step.op->plan(band_inputs, specs) && specs.size() == 1 && specs[0].dtype == traced.dtype() &&
                           specs[0].shape.size() == 4 && specs[0].shape[0] == traced.dim(0) &&
                           specs[0].shape[1] == traced.dim(1) && specs[0].shape[2] == run.computed.rows() &&
                           specs[0].shape[3] == traced.dim(3);
      if (!planned) return false;  // the whole run plans the operator again
      OpOutputs band_output{session.band_buffers_.tensor(in.size(), specs[0].dtype, specs[0].shape)};
      step.op->execute(band_inputs, band_output);
      // The operator goes back to the whole input's plan, which planned inferences assume.
      step.op->plan(in, specs);
      restore_trace_rows(buffer, trace.id, traced);
      copy_rows(band_output[0], run.output.begin - run.computed.begin, buffer.outputs[0], run.output.begin,
                run.output.rows());
      buffer.stale = run.output;
    } else {
      restore_trace_rows(buffer, trace.id, traced);  // no output row reads a changed row
    }
    computed = reached.empty() ? RowBand{} : run.output;
    general.tensor_outputs.assign(1, buffer.outputs[0]);
    return true;
  }

  // Makes the buffer's output 0 equal to the output `traced` of trace `id` again.
  static void restore_trace_rows(ReplayBuffer& buffer, uint64_t id, const Tensor& traced) {
    buffer.outputs.resize(1);
    Tensor& output = buffer.outputs[0];
    const bool fresh = output.dtype() != traced.dtype() || output.shape() != traced.shape();
    if (fresh) output = Tensor::for_overwrite(traced.dtype(), traced.shape());
    const RowBand stale =
        buffer.trace == id && !fresh ? intersect(buffer.stale, {0, traced.dim(2)}) : RowBand{0, traced.dim(2)};
    copy_rows(traced, stale.begin, output, stale.begin, stale.rows());
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
        changed[slot] = changed_rows(general.values[slot], trace.values[slot], o == 0 ? computed : RowBand::all());
    }
  }
  const OpInputs& inputs(size_t s) const { return general.inputs(s); }
  OpOutputs& outputs(size_t s) { return general.outputs(s); }

  std::vector<Tensor> band_slices = {};  // the band inputs of the running step
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
                  std::vector<RowBand>(values.size()),
                  /*bands=*/!abft_};
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
    path.changed[slot] = changed_rows(values[slot], trace.values[slot], RowBand::all());
  }
  run_steps(path);
  Replay replay;
  replay.steps_run = path.steps_run;
  replay.band_steps = path.band_steps;
  // Copies: the next replay executes into the same buffers.
  for (int slot : output_slots_) {
    const Value& value = values[slot];
    replay.outputs.push_back(value.is_tensor() && !value.is_optional() ? Value(value.tensor().clone()) : value);
  }
  return replay;
}

}  // namespace vigil

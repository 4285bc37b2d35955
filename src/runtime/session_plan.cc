// SPDX-License-Identifier: Apache-2.0
// The planned path of a session. The first inference with given input shapes is a
// planning run: every operator with a planned path is asked for its output specs (and
// sizes its scratch), runs, and the shapes of everything are recorded. The intermediate
// tensors then get offsets in one arena (runtime/memory_plan.h), an elementwise step may
// write into the buffer of an input that dies there, and each step's output tensors are
// made once over the arena. Later inferences with the same input shapes only point each
// step at its inputs and call execute(): nothing is allocated. If a step then sees input
// shapes other than the planned ones (a data-dependent shape upstream), the plan is
// dropped and the inference replanned.
#include <algorithm>
#include <cstring>

#include "core/memory_budget.h"
#include "runtime/memory_plan.h"
#include "runtime/session_internal.h"

namespace vigil {

bool Session::plan_matches(const std::vector<const Tensor*>& inputs) const {
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (!inputs[i] || inputs[i]->dtype() != plan_->input_dtypes[i] || inputs[i]->shape() != plan_->input_shapes[i]) {
      return false;
    }
  }
  return true;
}

// Later inferences with the planned shapes: steps execute into the plan's buffers.
struct Session::PlannedPath {
  Session& session;
  ExecutionPlan& plan;

  StepStart prepare(size_t s) {
    const Step& step = session.steps_[s];
    ExecutionPlan::StepPlan& sp = plan.steps[s];
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      const int slot = step.inputs[i];
      sp.inputs[i] = slot < 0 ? nullptr : plan.slot_tensors[slot];
      if (sp.inputs[i] && sp.inputs[i]->empty()) sp.inputs[i] = nullptr;  // an omitted optional output upstream
      if (sp.planned && sp.inputs[i] && sp.inputs[i]->shape() != sp.input_shapes[i]) return StepStart::Abandon;
    }
    return StepStart::Run;
  }

  void run(size_t s) { plan.steps[s].run(*session.steps_[s].op); }

  // A hook may have replaced a planned output: its values go into the plan's buffer,
  // where the next steps (and the next inference) find them.
  void accept(size_t s) {
    ExecutionPlan::StepPlan& sp = plan.steps[s];
    if (!sp.planned) return;
    for (size_t o = 0; o < sp.outputs.size(); ++o) {
      Tensor& output = sp.outputs[o];
      Tensor& buffer = sp.buffers[o];
      if (output.empty() || buffer.empty() || output.dtype() == DType::String || output.raw() == buffer.raw()) continue;
      check_input(output.dtype() == buffer.dtype() && output.shape() == buffer.shape(), "a hook replaced output #", o,
                  " by a ", dtype_name(output.dtype()), shape_to_string(output.shape()), " tensor; the step writes ",
                  dtype_name(buffer.dtype()), shape_to_string(buffer.shape()));
      std::memcpy(buffer.raw(), output.raw(), buffer.nbytes());
      output = buffer;
    }
  }

  void finish(size_t) {}

  const OpInputs& inputs(size_t s) const { return plan.steps[s].inputs; }
  OpOutputs& outputs(size_t s) { return plan.steps[s].outputs; }
};

bool Session::run_planned(const std::vector<const Tensor*>& inputs) {
  ExecutionPlan& plan = *plan_;
  for (size_t i = 0; i < inputs.size(); ++i) plan.slot_tensors[input_slots_[i]] = inputs[i];
  PlannedPath path{*this, plan};
  return run_steps(path);
}

namespace {

// Which buffer of the arena each planned tensor uses, before offsets are known.
struct PlannedTensor {
  size_t step, output;
  int buffer;
};

// The arena buffer that `output` (of a step without a planned path) is a view into: one
// of its inputs' buffers, or -1.
int viewed_buffer(const Tensor& output, const OpInputs& inputs, const std::vector<int>& input_slots,
                  const std::vector<int>& buffer_of_slot) {
  if (output.dtype() == DType::String) return -1;
  const std::byte* begin = static_cast<const std::byte*>(output.raw());
  for (size_t i = 0; i < inputs.size(); ++i) {
    const int slot = input_slots[i];
    if (!inputs[i] || slot < 0 || buffer_of_slot[slot] < 0 || inputs[i]->dtype() == DType::String) continue;
    const std::byte* input_begin = static_cast<const std::byte*>(inputs[i]->raw());
    if (begin >= input_begin && begin < input_begin + std::max<size_t>(inputs[i]->nbytes(), 1)) {
      return buffer_of_slot[slot];
    }
  }
  return -1;
}

}  // namespace

// The planning run: each step asked for its output specs, run on fresh outputs, and its
// input shapes recorded.
struct Session::PlanningPath {
  Session& session;
  ExecutionPlan& plan;
  std::vector<Tensor>& values;  // slot-indexed

  StepStart prepare(size_t s) {
    const Step& step = session.steps_[s];
    ExecutionPlan::StepPlan& sp = plan.steps[s];
    sp.inputs.assign(step.inputs.size(), nullptr);
    sp.input_shapes.clear();
    for (size_t i = 0; i < step.inputs.size(); ++i) {
      const int slot = step.inputs[i];
      if (slot >= 0 && !values[slot].empty()) sp.inputs[i] = &values[slot];
      sp.input_shapes.push_back(sp.inputs[i] ? sp.inputs[i]->shape() : Shape{});
    }
    std::vector<TensorSpec> specs;
    sp.planned = step.op->plan(sp.inputs, specs);
    sp.outputs.assign(step.outputs.size(), Tensor());
    for (size_t o = 0; sp.planned && o < specs.size() && o < sp.outputs.size(); ++o) {
      if (specs[o].dtype != DType::Undefined) sp.outputs[o] = Tensor(specs[o].dtype, specs[o].shape);
    }
    return StepStart::Run;
  }

  void run(size_t s) { plan.steps[s].run(*session.steps_[s].op); }

  void accept(size_t) {}

  void finish(size_t s) {
    const Step& step = session.steps_[s];
    for (size_t o = 0; o < step.outputs.size(); ++o) {
      if (step.outputs[o] >= 0) values[step.outputs[o]] = plan.steps[s].outputs[o];
    }
  }

  const OpInputs& inputs(size_t s) const { return plan.steps[s].inputs; }
  OpOutputs& outputs(size_t s) { return plan.steps[s].outputs; }
};

std::vector<Tensor> Session::plan_and_run(const std::vector<const Tensor*>& inputs) {
  plan_.reset();
  auto plan = std::make_unique<ExecutionPlan>();
  const bool may_write_in_place = in_place_allowed();
  const size_t slot_count = slot_of_.size();
  std::vector<Tensor> values(slot_count);
  for (size_t slot = 0; slot < slot_count; ++slot) {
    if (constants_[slot].is_tensor()) values[slot] = constants_[slot].tensor();
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    values[input_slots_[i]] = *inputs[i];
    plan->input_dtypes.push_back(inputs[i]->dtype());
    plan->input_shapes.push_back(inputs[i]->shape());
  }

  // The planning run: every step on freshly allocated outputs, recording shapes.
  plan->steps.resize(steps_.size());
  PlanningPath path{*this, *plan, values};
  run_steps(path);
  std::vector<Tensor> results;
  for (size_t o = 0; o < output_slots_.size(); ++o) {
    check_input(!values[output_slots_[o]].empty(), "graph output '", graph_->outputs[o].name, "' was not computed");
    results.push_back(values[output_slots_[o]]);
  }

  // Lifetimes: a slot lives from its producing step to its last reader.
  std::vector<int> producer(slot_count, -1), last_reader(slot_count, -1);
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (int slot : steps_[s].outputs) {
      if (slot >= 0) producer[slot] = static_cast<int>(s);
    }
    for (int slot : steps_[s].inputs) {
      if (slot >= 0) last_reader[slot] = static_cast<int>(s);
    }
  }
  std::vector<bool> is_graph_output(slot_count, false);
  for (int slot : output_slots_) is_graph_output[slot] = true;

  // Planned outputs that are not graph outputs go into the arena, one buffer each unless
  // written in place over a dying input of the same size. An operator without a planned
  // path may hand out a view of an input (Reshape, Identity): the viewed buffer then lives
  // as long as the view, to the end if the view is a graph output.
  std::vector<BufferRequest> buffers;
  std::vector<PlannedTensor> planned;
  std::vector<int> buffer_of_slot(slot_count, -1);
  const int end = static_cast<int>(steps_.size());
  for (size_t s = 0; s < steps_.size(); ++s) {
    ExecutionPlan::StepPlan& sp = plan->steps[s];
    const int step = static_cast<int>(s);
    for (size_t o = 0; o < sp.outputs.size(); ++o) {
      const Tensor& output = sp.outputs[o];
      const int slot = steps_[s].outputs[o];
      if (output.empty() || slot < 0) {
        if (sp.planned && !output.empty()) {  // an unused optional output still needs bytes
          planned.push_back({s, o, static_cast<int>(buffers.size())});
          buffers.push_back({output.nbytes(), step, step});
        }
        continue;
      }
      const int last = is_graph_output[slot] ? end : std::max(last_reader[slot], step);
      if (!sp.planned) {
        const int viewed = viewed_buffer(output, sp.inputs, steps_[s].inputs, buffer_of_slot);
        if (viewed >= 0) {
          buffer_of_slot[slot] = viewed;
          buffers[viewed].last_step = std::max(buffers[viewed].last_step, last);
        }
        continue;
      }
      if (is_graph_output[slot]) continue;
      int buffer = -1;
      // With a hook that reads inputs after a step (or reruns it), none writes over its input.
      const int in_place = o == 0 && may_write_in_place ? steps_[s].op->in_place_input() : -1;
      if (in_place >= 0 && static_cast<size_t>(in_place) < steps_[s].inputs.size()) {
        const int source = steps_[s].inputs[in_place];
        if (source >= 0 && buffer_of_slot[source] >= 0 && last_reader[source] == step &&
            buffers[buffer_of_slot[source]].last_step <= step && sp.inputs[in_place]->nbytes() == output.nbytes()) {
          buffer = buffer_of_slot[source];
          buffers[buffer].last_step = std::max(buffers[buffer].last_step, last);
          sp.in_place = true;
          ++plan->summary.in_place_steps;
        }
      }
      if (buffer < 0) {
        buffer = static_cast<int>(buffers.size());
        buffers.push_back({output.nbytes(), step, last});
      }
      plan->summary.tensor_bytes += output.nbytes();
      buffer_of_slot[slot] = buffer;
      planned.push_back({s, o, buffer});
    }
  }
  const ArenaLayout layout = plan_arena(buffers);
  plan->summary.arena_bytes = layout.total_bytes;
  plan->arena = allocate_block(layout.total_bytes + 64, "the session's tensor arena");
  for (const PlannedTensor& t : planned) {
    Tensor& output = plan->steps[t.step].outputs[t.output];
    output = Tensor::over(output.dtype(), output.shape(), plan->arena, plan->arena.get() + layout.offsets[t.buffer]);
  }
  // Graph outputs of planned steps keep buffers of their own, made here once.
  for (size_t s = 0; s < steps_.size(); ++s) {
    ExecutionPlan::StepPlan& sp = plan->steps[s];
    plan->summary.planned_steps += sp.planned ? 1 : 0;
    if (!sp.planned) continue;
    for (size_t o = 0; o < sp.outputs.size(); ++o) {
      const int slot = steps_[s].outputs[o];
      if (slot >= 0 && is_graph_output[slot]) sp.outputs[o] = sp.outputs[o].clone();
    }
  }
  plan->summary.steps = steps_.size();
  for (ExecutionPlan::StepPlan& sp : plan->steps) {
    if (sp.planned) sp.buffers = sp.outputs;
  }

  plan->slot_tensors.assign(slot_count, nullptr);
  for (size_t slot = 0; slot < slot_count; ++slot) {
    if (constants_[slot].is_tensor()) plan->slot_tensors[slot] = &constants_[slot].tensor();
  }
  for (size_t s = 0; s < steps_.size(); ++s) {
    for (size_t o = 0; o < steps_[s].outputs.size(); ++o) {
      if (steps_[s].outputs[o] >= 0) plan->slot_tensors[steps_[s].outputs[o]] = &plan->steps[s].outputs[o];
    }
  }
  plan_ = std::move(plan);
  return results;
}

void Session::copy_planned_outputs(std::vector<Tensor>& outputs) const {
  outputs.resize(output_slots_.size());
  for (size_t o = 0; o < output_slots_.size(); ++o) {
    const Tensor& source = *plan_->slot_tensors[output_slots_[o]];
    Tensor& target = outputs[o];
    if (source.dtype() != DType::String && target.dtype() == source.dtype() && target.shape() == source.shape()) {
      if (target.raw() != source.raw()) std::memcpy(target.raw(), source.raw(), source.nbytes());
    } else {
      target = source.clone();
    }
  }
}

void Session::run_into(const std::vector<const Tensor*>& inputs, std::vector<Tensor>& outputs) {
  check_input(inputs.size() == graph_->inputs.size(), "the model takes ", graph_->inputs.size(), " inputs, ",
              inputs.size(), " given");
  if (plannable_ && plan_ && plan_matches(inputs) && run_planned(inputs)) {
    copy_planned_outputs(outputs);
    return;
  }
  std::map<std::string, Value> feeds;
  for (size_t i = 0; i < inputs.size(); ++i) {
    check_input(inputs[i] != nullptr, "input '", graph_->inputs[i].name, "' is required but was not given");
    feeds.emplace(graph_->inputs[i].name, *inputs[i]);
  }
  if (!plannable_) {
    const std::vector<Value> values = run_values(feeds);
    outputs.clear();
    for (size_t o = 0; o < values.size(); ++o) {
      outputs.push_back(values[o].tensor("graph output '" + graph_->outputs[o].name + "'"));
    }
    return;
  }
  std::map<std::string, int64_t> symbols;
  for (size_t i = 0; i < inputs.size(); ++i) check_feed(graph_->inputs[i], feeds.at(graph_->inputs[i].name), symbols);
  outputs = plan_and_run(inputs);
}

Session::PlanSummary Session::plan_summary() const { return plan_ ? plan_->summary : PlanSummary{}; }

}  // namespace vigil

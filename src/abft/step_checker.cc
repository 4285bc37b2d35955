// SPDX-License-Identifier: Apache-2.0
// The ABFT step hook (abft/step_checker.h).
#include "abft/step_checker.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/error.h"
#include "graph/graph.h"
#include "graph/layer_cost.h"

namespace vigil::abft {

namespace {

kernels::GemmCheckScheme kernel_scheme(Scheme scheme) {
  return scheme == Scheme::Separate ? kernels::GemmCheckScheme::Separate : kernels::GemmCheckScheme::Fused;
}

// Operators whose runs differ by design.
bool random_operator(const std::string& op_type) {
  constexpr std::string_view kRandom[] = {"RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike",
                                          "Bernoulli", "Multinomial"};
  return std::find(std::begin(kRandom), std::end(kRandom), op_type) != std::end(kRandom);
}

std::vector<TensorShapeAndType> shapes_of(const std::vector<const Tensor*>& tensors) {
  std::vector<TensorShapeAndType> shapes;
  for (const Tensor* tensor : tensors) {
    shapes.push_back(tensor && !tensor->empty() ? TensorShapeAndType{tensor->shape(), tensor->dtype()}
                                                : TensorShapeAndType{});
  }
  return shapes;
}

std::vector<Tensor> copies(const OpOutputs& outputs) {
  std::vector<Tensor> kept;
  for (const Tensor& output : outputs) kept.push_back(output.empty() ? Tensor() : output.clone());
  return kept;
}

bool same_results(const OpOutputs& outputs, const std::vector<Tensor>& kept) {
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].empty() != kept[o].empty() || (!kept[o].empty() && !identical(outputs[o], kept[o]))) return false;
  }
  return true;
}

// "output 0, element 17" of the first difference.
std::string first_difference(const OpOutputs& outputs, const std::vector<Tensor>& kept) {
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (outputs[o].empty() || kept[o].empty() || outputs[o].shape() != kept[o].shape() ||
        outputs[o].dtype() != kept[o].dtype()) {
      if (outputs[o].empty() != kept[o].empty() || !identical(outputs[o], kept[o])) return str_cat("output ", o);
      continue;
    }
    const size_t size = dtype_size(outputs[o].dtype());
    const auto* a = static_cast<const std::byte*>(outputs[o].raw());
    const auto* b = static_cast<const std::byte*>(kept[o].raw());
    for (int64_t i = 0; i < outputs[o].numel(); ++i) {
      if (std::memcmp(a + i * size, b + i * size, size) != 0) return str_cat("output ", o, ", element ", i);
    }
  }
  return "an output";
}

}  // namespace

StepChecker::StepChecker(Options options, size_t steps)
    : options_(options),
      sink_(kernel_scheme(options.scheme), options.scheme == Scheme::Separate),
      counters_(steps),
      choices_(options.scheme == Scheme::Auto ? steps : 0) {}

Scheme StepChecker::step_scheme(size_t step) const {
  if (options_.scheme == Scheme::Auto) return choices_.at(step).scheme;
  return options_.scheme == Scheme::Separate ? Scheme::Separate : Scheme::Fused;
}

void StepChecker::before_step(const StepEvent& event) {
  sink_.take();
  if (options_.scheme == Scheme::Auto) sink_.set_scheme(kernel_scheme(choices_[event.index].scheme));
}

void StepChecker::choose(const StepEvent& event) {
  Choice& choice = choices_[event.index];
  const Shape first = !event.inputs.empty() && event.inputs[0] ? event.inputs[0]->shape() : Shape{};
  if (choice.decided && choice.decided_for == first) return;
  std::vector<const Tensor*> outputs;
  for (const Tensor& output : event.outputs) outputs.push_back(&output);
  const LayerCost cost = layer_cost(event.node, shapes_of(event.inputs), shapes_of(outputs));
  const bool integer = !event.inputs.empty() && event.inputs[0] && dtype_is_integer(event.inputs[0]->dtype());
  int64_t largest = 0;
  for (const Tensor* input : event.inputs) {
    if (input) largest = std::max(largest, static_cast<int64_t>(input->nbytes()));
  }
  const bool separate =
      auto_prefers_separate(cost.ops, largest, integer ? options_.int8_ridge : options_.fp32_ridge);
  choice.scheme = separate ? Scheme::Separate : Scheme::Fused;
  choice.decided = true;
  choice.decided_for = first;
}

StepVerdict StepChecker::after_step(StepEvent& event) {
  const kernels::GemmCheckTally tally = sink_.take();
  StepCounters& counters = counters_[event.index];
  ++counters.runs;
  counters.products += tally.products;
  counters.lines += tally.lines;
  if (options_.scheme == Scheme::Auto && event.attempt == 0 && tally.products > 0) choose(event);
  if (tally.products == 0 && options_.scheme == Scheme::Full && !random_operator(event.node.op_type)) {
    return duplicate(event, counters);
  }
  if (tally.failures == 0) {
    if (event.attempt > 0) ++counters.corrections;
    return StepVerdict::Accept;
  }
  ++counters.detections;
  if (options_.mode == Mode::Correct && event.attempt == 0) {
    ++counters.recomputations;
    return StepVerdict::Rerun;
  }
  throw Error(ErrorKind::FaultDetected,
              str_cat("ABFT detected a corrupted result", event.attempt > 0 ? " again after recomputing the layer" : "",
                      ": ", tally.first_failure));
}

StepVerdict StepChecker::duplicate(StepEvent& event, StepCounters& counters) {
  if (event.attempt == 0) {
    const bool any = std::any_of(event.outputs.begin(), event.outputs.end(), [](const Tensor& t) { return !t.empty(); });
    if (!any) return StepVerdict::Accept;  // nothing to compare (a value operator's sequence, say)
    first_run_ = copies(event.outputs);
    return StepVerdict::Rerun;
  }
  if (event.attempt == 1) {
    ++counters.duplicated;
    if (same_results(event.outputs, first_run_)) return StepVerdict::Accept;
    ++counters.detections;
    if (options_.mode == Mode::Correct) {
      ++counters.recomputations;
      second_run_ = copies(event.outputs);
      return StepVerdict::Rerun;
    }
    throw Error(ErrorKind::FaultDetected, str_cat("ABFT detected a corrupted result: two runs of the step disagree on ",
                                                  first_difference(event.outputs, first_run_)));
  }
  if (same_results(event.outputs, first_run_) || same_results(event.outputs, second_run_)) {
    ++counters.corrections;
    return StepVerdict::Accept;
  }
  throw Error(ErrorKind::FaultDetected, str_cat("ABFT detected a corrupted result: three runs of the step disagree on ",
                                                first_difference(event.outputs, second_run_)));
}

}  // namespace vigil::abft

// SPDX-License-Identifier: Apache-2.0
// The ABFT step hook (abft/step_checker.h).
#include "abft/step_checker.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "core/error.h"
#include "graph/graph.h"

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
    : options_(options), sink_(kernel_scheme(options.scheme)), counters_(steps) {}

void StepChecker::before_step(const StepEvent&) { sink_.take(); }

StepVerdict StepChecker::after_step(StepEvent& event) {
  const kernels::GemmCheckTally tally = sink_.take();
  StepCounters& counters = counters_[event.index];
  ++counters.runs;
  counters.products += tally.products;
  counters.lines += tally.lines;
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

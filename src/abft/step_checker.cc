// SPDX-License-Identifier: Apache-2.0
// The ABFT step hook (abft/step_checker.h).
#include "abft/step_checker.h"

#include "core/error.h"

namespace vigil::abft {

namespace {
kernels::GemmCheckScheme kernel_scheme(Scheme scheme) {
  return scheme == Scheme::Separate ? kernels::GemmCheckScheme::Separate : kernels::GemmCheckScheme::Fused;
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

}  // namespace vigil::abft

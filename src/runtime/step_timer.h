// SPDX-License-Identifier: Apache-2.0
// The profiler's step timer: a step hook (runtime/step_hook.h) that measures the
// wall-clock time of every step of every inference while it is installed. Wall time,
// since a step's threads run at once; a step that a hook ran again is timed over all its
// runs. perf/model_profile.cc installs it on its timed runs.
#pragma once

#include <chrono>
#include <vector>

#include "runtime/session.h"

namespace vigil {

class StepTimer final : public StepHook {
 public:
  explicit StepTimer(const Session& session) : seconds_(session.step_count(), 0.0) {}

  void before_step(const StepEvent&) override { start_ = now(); }
  StepVerdict after_step(StepEvent& event) override {
    const double elapsed = now() - start_;
    seconds_[event.index] = event.attempt == 0 ? elapsed : seconds_[event.index] + elapsed;
    return StepVerdict::Accept;
  }
  bool reads_inputs_after_step() const override { return false; }

  // Each step's time in the last inference, indexed like Session::step_summaries().
  const std::vector<double>& seconds() const { return seconds_; }

 private:
  static double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  }

  std::vector<double> seconds_;
  double start_ = 0.0;
};

}  // namespace vigil

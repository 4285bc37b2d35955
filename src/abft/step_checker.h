// SPDX-License-Identifier: Apache-2.0
// ABFT as a step hook (runtime/step_hook.h): the session installs one when its options
// ask for ABFT, and keeps its check sink on the inference's thread for the whole run
// (runtime/session_internal.h), so that every matrix product a step computes is checked
// inside the GEMM (kernels/gemm_check.h). After each step the checker reads what the
// step's products found, counts it per step, and answers: accept, run the step again
// (correct mode, first failure), or fail the inference with an error naming the node.
// Under the `full` scheme a step without checked products runs twice and the two results
// are compared bit for bit; in correct mode a disagreement gets a third run, whose result
// stands if it agrees with either of the first two. Random operators are left out: their
// runs are meant to differ. Under `auto` each step's products are checked fused on its
// first run, which measures the step's intensity, and from then on by the scheme the
// intensity against the machine's ridge picks (again whenever its input shapes change).
#pragma once

#include <cstdint>
#include <vector>

#include "abft/abft_options.h"
#include "kernels/gemm_check.h"
#include "runtime/step_hook.h"

namespace vigil::abft {

// Per step, over the inferences since the session was made.
struct StepCounters {
  int64_t runs = 0;            // runs of the step, recomputations included
  int64_t products = 0;        // matrix products checked
  int64_t lines = 0;           // columns or rows of their results compared
  int64_t detections = 0;      // runs whose check failed
  int64_t recomputations = 0;  // runs asked for again after a failed check
  int64_t corrections = 0;     // recomputations that then passed
  int64_t duplicated = 0;      // runs compared with a second run of the step (scheme full)
};

class StepChecker final : public StepHook {
 public:
  StepChecker(Options options, size_t steps);
  kernels::GemmCheckSink& sink() { return sink_; }
  const Options& options() const { return options_; }
  const std::vector<StepCounters>& counters() const { return counters_; }
  // The scheme each step's products are checked by (under auto, the choice made so far).
  Scheme step_scheme(size_t step) const;

  void before_step(const StepEvent& event) override;
  StepVerdict after_step(StepEvent& event) override;
  // Only correct mode (a recomputation) and full (a duplicate run) run a step again;
  // detect mode's checks read the products' tallies, so steps may still write in place.
  bool reads_inputs_after_step() const override {
    return options_.mode == Mode::Correct || options_.scheme == Scheme::Full;
  }

 private:
  // The duplication of a step without checked products (scheme full).
  StepVerdict duplicate(StepEvent& event, StepCounters& counters);
  // Auto: the scheme for this step's next runs, from what this run read and wrote.
  void choose(const StepEvent& event);

  Options options_;
  kernels::GemmCheckSink sink_;
  std::vector<StepCounters> counters_;
  std::vector<Tensor> first_run_, second_run_;  // a duplicated step's earlier results
  struct Choice {
    Scheme scheme = Scheme::Fused;
    bool decided = false;
    Shape decided_for;  // the first input's shape when chosen
  };
  std::vector<Choice> choices_;  // auto, per step
};

}  // namespace vigil::abft

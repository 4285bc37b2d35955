// SPDX-License-Identifier: Apache-2.0
// What each ABFT scheme costs each layer of a model, measured: the model runs in three
// sessions (ABFT off, fused, separate) in turn, R times, every step timed by the step timer
// (runtime/step_timer.h), medians per layer; each layer is placed against the machine's
// ridge (its arithmetic intensity from runtime/step_costs.h, the ridge from `vigil peaks`).
// `vigil abft MODEL` prints it; docs/abft.md draws its per-layer conclusions from it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"
#include "abft/abft_options.h"
#include "perf/machine_peaks.h"

namespace vigil::abft {

struct LayerComparison {
  std::string name, op_type, algorithm;
  bool integer = false;    // integer arithmetic: against the int8 ridge
  int64_t macs = 0;
  double intensity = 0;    // operations per byte moved
  double ridge = 0;        // the machine's: its peak for this data type over its bandwidth
  double off_seconds = 0;  // medians over the runs
  double fused_seconds = 0, separate_seconds = 0;
  bool fused_checked = false, separate_checked = false;  // the scheme checked this step
  int64_t ops = 0, largest_input_bytes = 0;
  // What --abft auto picks for it (abft/abft_options.h: auto_prefers_separate).
  bool auto_separate() const { return auto_prefers_separate(ops, largest_input_bytes, ridge); }
};

struct SchemeComparison {
  int threads = 1, runs = 0;
  std::vector<LayerComparison> layers;  // every step, in execution order
  // Medians of whole inferences, the step timer off.
  double off_seconds = 0, fused_seconds = 0, separate_seconds = 0;
  // Over the layers either scheme checks: how many there are, on how many fused was the
  // faster (or as fast), and the time the per-layer best would save over fused everywhere.
  int checked_layers = 0, fused_faster = 0;
  double best_saves_seconds = 0;
  // The rule of --abft auto over the layers both schemes check: how many there are, on how
  // many it picks the faster scheme, and the time its picks save over fused everywhere
  // (negative: cost).
  int compared_layers = 0, auto_right = 0;
  double auto_saves_seconds = 0;
};

// A bad-input Error if the model cannot run on `feeds` or threads or runs are below 1.
SchemeComparison compare_schemes(const std::shared_ptr<const Model>& model, const std::map<std::string, Tensor>& feeds,
                                 int threads, int runs, const perf::MachinePeaks& peaks);

}  // namespace vigil::abft

// SPDX-License-Identifier: Apache-2.0
// The per-layer comparison of the ABFT schemes (abft/scheme_comparison.h). The three
// sessions take turns within every run, so that all three see the same machine.
#include "abft/scheme_comparison.h"

#include <algorithm>
#include <chrono>

#include "abft/step_checker.h"
#include "core/error.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"
#include "runtime/step_timer.h"

namespace vigil::abft {

namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0.0 : values[values.size() / 2];
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// One session's timings: whole inferences (timer off) and each step's (timer on).
struct Timings {
  std::vector<double> latencies;
  std::vector<std::vector<double>> steps;
};

}  // namespace

SchemeComparison compare_schemes(const std::shared_ptr<const Model>& model, const std::map<std::string, Tensor>& feeds,
                                 int threads, int runs, const perf::MachinePeaks& peaks) {
  check_input(threads >= 1, "abft: threads must be at least 1, not ", threads);
  check_input(runs >= 1, "abft: runs must be at least 1, not ", runs);
  const Scheme schemes[] = {Scheme::Off, Scheme::Fused, Scheme::Separate};
  std::vector<std::unique_ptr<Session>> sessions;
  for (const Scheme scheme : schemes) {
    sessions.push_back(std::make_unique<Session>(model, SessionOptions{threads, true, {scheme, Mode::Detect}}));
  }
  const std::vector<StepCost> costs = measure_step_costs(*sessions[0], feeds);
  std::vector<const Tensor*> inputs;
  for (const ValueInfo& input : sessions[0]->graph().inputs) inputs.push_back(&feeds.at(input.name));
  std::vector<Tensor> outputs;
  std::vector<Timings> timings(sessions.size());
  for (size_t k = 0; k < sessions.size(); ++k) {
    sessions[k]->run_into(inputs, outputs);  // the planning run, and warm caches
    timings[k].steps.resize(costs.size());
  }
  for (int run = 0; run < runs; ++run) {
    for (size_t k = 0; k < sessions.size(); ++k) {
      Session& session = *sessions[k];
      const double start = wall_seconds();
      session.run_into(inputs, outputs);
      timings[k].latencies.push_back(wall_seconds() - start);
      StepTimer timer(session);
      {
        const ScopedStepHook timing(session, timer);
        session.run_into(inputs, outputs);
      }
      for (size_t s = 0; s < costs.size() && s < timer.seconds().size(); ++s) {
        timings[k].steps[s].push_back(timer.seconds()[s]);
      }
    }
  }

  SchemeComparison comparison;
  comparison.threads = threads;
  comparison.runs = runs;
  comparison.off_seconds = median(timings[0].latencies);
  comparison.fused_seconds = median(timings[1].latencies);
  comparison.separate_seconds = median(timings[2].latencies);
  for (size_t s = 0; s < costs.size(); ++s) {
    LayerComparison layer;
    layer.name = costs[s].name;
    layer.op_type = costs[s].op_type;
    layer.algorithm = costs[s].algorithm;
    layer.integer = costs[s].integer;
    layer.macs = costs[s].cost.macs;
    layer.ops = costs[s].cost.ops;
    layer.largest_input_bytes = costs[s].largest_input_bytes;
    const double bytes = static_cast<double>(costs[s].cost.bytes_read + costs[s].cost.bytes_written);
    layer.intensity = bytes > 0 ? static_cast<double>(costs[s].cost.ops) / bytes : 0.0;
    layer.ridge = peaks.memory_gbs(threads) <= 0 ? 0.0
                  : layer.integer                ? peaks.int8_ridge(threads)
                                                 : peaks.fp32_ridge(threads);
    layer.off_seconds = median(timings[0].steps[s]);
    layer.fused_seconds = median(timings[1].steps[s]);
    layer.separate_seconds = median(timings[2].steps[s]);
    layer.fused_checked = sessions[1]->abft_checker()->counters()[s].products > 0;
    layer.separate_checked = sessions[2]->abft_checker()->counters()[s].products > 0;
    if (layer.fused_checked || layer.separate_checked) {
      ++comparison.checked_layers;
      if (layer.fused_seconds <= layer.separate_seconds) {
        ++comparison.fused_faster;
      } else {
        comparison.best_saves_seconds += layer.fused_seconds - layer.separate_seconds;
      }
    }
    if (layer.fused_checked && layer.separate_checked) {
      ++comparison.compared_layers;
      const double picked = layer.auto_separate() ? layer.separate_seconds : layer.fused_seconds;
      comparison.auto_right += picked <= std::min(layer.fused_seconds, layer.separate_seconds);
      comparison.auto_saves_seconds += layer.fused_seconds - picked;
    }
    comparison.layers.push_back(std::move(layer));
  }
  return comparison;
}

}  // namespace vigil::abft

// SPDX-License-Identifier: Apache-2.0
// Profiling a model (see model_profile.h). Untimed and step-timed inferences alternate, so
// the whole-model latency (the step timer off) and the per-layer times (on) see the same
// machine; both are medians over the runs. The first, observed run measures every layer's
// cost and is also the planning run, so the timed runs are steady-state inferences.
#include "perf/model_profile.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/error.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"
#include "runtime/step_timer.h"

namespace vigil::perf {

namespace {

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle), values.end());
  const double upper = values[middle];
  if (values.size() % 2) return upper;
  return 0.5 * (upper + *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(middle)));
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Weight planes x activation planes of a bit-serial layer, from the algorithm its operator
// names ("bitserial w1a2 bitserial_gemm__avx512vpopcntdq", ops/quantized/bit_serial_conv.h);
// 0 for any other.
int plane_pairs(const std::string& algorithm) {
  int weights = 0, activations = 0;
  if (std::sscanf(algorithm.c_str(), "bitserial w%da%d", &weights, &activations) != 2) return 0;
  return weights * activations;
}

// The peak of a layer's arithmetic: fp32, int8, or the 1-bit peak shared by its plane pairs.
double layer_peak(const LayerProfile& layer, const ModelProfile& profile) {
  if (layer.plane_pairs > 0 && profile.bitserial_peak_gops > 0.0)
    return profile.bitserial_peak_gops / layer.plane_pairs;
  return layer.integer ? profile.int8_peak_gops : profile.fp32_peak_gops;
}

// The intensity, achieved rates and place on the roofline of a layer whose cost and time are known.
void place_on_roofline(LayerProfile& layer, const ModelProfile& profile) {
  const double peak = layer_peak(layer, profile);
  const double bytes = static_cast<double>(layer.cost.bytes());
  const double ops = static_cast<double>(layer.cost.ops);
  layer.intensity = bytes > 0.0 ? ops / bytes : 0.0;
  if (layer.seconds > 0.0) {
    layer.achieved_gops = ops / layer.seconds * 1e-9;
    layer.achieved_gbs = bytes / layer.seconds * 1e-9;
  }
  const double roof = std::min(peak, layer.intensity * profile.memory_gbs);
  layer.percent_of_peak = peak > 0.0 ? 100.0 * layer.achieved_gops / peak : 0.0;
  layer.percent_of_roof = roof > 0.0 ? 100.0 * layer.achieved_gops / roof : 0.0;
  const double ridge = profile.memory_gbs > 0.0 ? peak / profile.memory_gbs : 0.0;
  layer.bound = layer.intensity < ridge ? Bound::Memory : Bound::Compute;
}

}  // namespace

const char* bound_name(Bound bound) { return bound == Bound::Memory ? "memory" : "compute"; }

ModelProfile profile_model(const std::shared_ptr<const Model>& model, const std::string& model_path,
                           const std::map<std::string, Tensor>& feeds, const ProfileOptions& options,
                           const MachinePeaks& peaks) {
  check_input(options.threads >= 1, "profile: threads must be at least 1, not ", options.threads);
  check_input(options.runs >= 1, "profile: runs must be at least 1, not ", options.runs);
  Session session(model, SessionOptions{options.threads, options.optimize});
  const std::vector<StepCost> costs = measure_step_costs(session, feeds);
  warn_about_reference_kernels(costs);

  std::vector<const Tensor*> inputs;
  for (const ValueInfo& input : session.graph().inputs) inputs.push_back(&feeds.at(input.name));
  std::vector<Tensor> outputs;
  session.run_into(inputs, outputs);  // one more untimed run: caches and threads warm

  std::vector<double> latencies;
  std::vector<std::vector<double>> step_runs(costs.size());
  StepTimer timer(session);
  for (int run = 0; run < options.runs; ++run) {
    const double start = wall_seconds();
    session.run_into(inputs, outputs);
    latencies.push_back(wall_seconds() - start);
    {
      const ScopedStepHook timing(session, timer);
      session.run_into(inputs, outputs);
    }
    for (size_t s = 0; s < costs.size() && s < timer.seconds().size(); ++s) step_runs[s].push_back(timer.seconds()[s]);
  }

  ModelProfile profile;
  profile.model = model_path;
  profile.threads = options.threads;
  profile.runs = options.runs;
  profile.peaks = peaks;
  profile.fp32_peak_gops = peaks.fp32_gflops(options.threads);
  profile.int8_peak_gops = peaks.int8_gops(options.threads);
  profile.bitserial_peak_gops = peaks.bitserial_gops(options.threads);
  profile.memory_gbs = peaks.memory_gbs(options.threads);
  int64_t integer_ops = 0;
  for (size_t s = 0; s < costs.size(); ++s) {
    const StepCost& step = costs[s];
    LayerProfile layer{step.name,         step.op_type, step.algorithm,
                       step.output_shape, step.integer, plane_pairs(step.algorithm),
                       step.cost};
    layer.seconds = median(step_runs[s]);
    place_on_roofline(layer, profile);
    profile.macs += layer.cost.macs;
    profile.ops += layer.cost.ops;
    if (layer.integer) integer_ops += layer.cost.ops;
    profile.layer_seconds += layer.seconds;
    profile.layers.push_back(std::move(layer));
  }
  for (const auto& [name, tensor] : model->graph.initializers) {
    profile.parameters += tensor.numel();
    profile.parameter_bytes += static_cast<int64_t>(tensor.nbytes());
  }
  profile.peak_activation_bytes = static_cast<int64_t>(session.plan_summary().arena_bytes);
  profile.latency_seconds = median(latencies);
  if (profile.latency_seconds > 0.0) {
    profile.throughput_per_second = 1.0 / profile.latency_seconds;
    profile.achieved_gops = static_cast<double>(profile.ops) / profile.latency_seconds * 1e-9;
  }
  // The model's utilization is measured against the peak of the data type doing most of its work.
  const double model_peak = 2 * integer_ops > profile.ops ? profile.int8_peak_gops : profile.fp32_peak_gops;
  if (model_peak > 0.0) profile.utilization_percent = 100.0 * profile.achieved_gops / model_peak;
  return profile;
}

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// Evaluating every point of a sweep and finding the Pareto front (design_space.h).
#include "accel/design_space.h"

#include <algorithm>
#include <mutex>

#include "accel/mapping_yaml.h"
#include "accel/pareto.h"
#include "core/error.h"
#include "core/progress.h"
#include "core/thread_pool.h"

namespace vigil::accel {

namespace {

DesignPoint evaluate_point(const SweepSpec& sweep, const Workload& workload, const std::string& dataflow,
                           const MapperOptions& search, int64_t index) {
  DesignPoint point;
  point.index = index;
  point.values = point_values(sweep, index);
  ArchSpec arch = point_arch(sweep, point.values);
  arch.path = str_cat("point ", index);  // what a reason names
  point.area_mm2 = area_mm2(arch, sweep.area);
  // predict() reports a layer that does not fit as bad input, which at one point of a
  // sweep is a result, not a failure.
  try {
    point.prediction = predict(arch, workload, dataflow, search);
    point.ok = true;
  } catch (const Error& error) {
    if (error.kind() != ErrorKind::BadInput) throw;
    // The workload is named once in a report, not in every reason.
    const std::string message = error.what(), prefix = workload.source + ": ";
    point.reason = message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
  }
  return point;
}

}  // namespace

std::vector<double> design_costs(const DesignPoint& point) {
  return {point.prediction.total.energy_mj, point.prediction.total.total_latency_ms, point.area_mm2};
}

Exploration explore(const SweepSpec& sweep, const Workload& workload, const DseOptions& options) {
  check_dataflow_name(options.dataflow);
  // A bad mapping file is the user's error, not a property of the points.
  if (is_dataflow_file(options.dataflow)) load_mapping_file(options.dataflow, sweep.base);
  const int64_t count = point_count(sweep);
  // Threads go to points first; what is left over goes to each point's search.
  const int threads = static_cast<int>(std::clamp<int64_t>(options.search.threads, 1, count));
  MapperOptions search = options.search;
  search.threads = std::max(1, options.search.threads / threads);

  Workload layers = workload;
  if (!options.keep_layer_params) {
    for (Layer& layer : layers.layers) layer.dataflow_params.clear();
  }

  Exploration exploration;
  exploration.points.resize(count);
  ProgressBar progress(str_cat("dse: ", count, " points"), count);
  int64_t done = 0;
  std::mutex progress_mutex;
  parallel_for(count, threads, [&](int64_t index) {
    exploration.points[index] = evaluate_point(sweep, layers, options.dataflow, search, index);
    std::lock_guard<std::mutex> lock(progress_mutex);
    progress.update(++done);
  });

  std::vector<int64_t> feasible;
  std::vector<std::vector<double>> costs;
  for (const DesignPoint& point : exploration.points) {
    if (!point.ok) continue;
    feasible.push_back(point.index);
    costs.push_back(design_costs(point));
  }
  for (const size_t member : pareto_front(costs)) {
    exploration.front.push_back(feasible[member]);
    exploration.points[feasible[member]].pareto = true;
  }
  return exploration;
}

}  // namespace vigil::accel

// SPDX-License-Identifier: Apache-2.0
// Design-space exploration (`vigil dse`): every point of a sweep (sweep_spec.h) is an
// architecture; each layer of the workload is mapped onto it by a dataflow template, a
// mapping file or the mapper's search, and evaluated (predict.h); the point's costs are
// the summed energy and total latency and the area proxy. The Pareto front over those
// three (pareto.h) is what the report shows. A point where a layer cannot be mapped is
// kept with the reason, not an error. Points are evaluated in parallel and each is a
// pure function of its values and the options, so the result is the same for a seed
// on any number of threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel/mapper.h"
#include "accel/predict.h"
#include "accel/sweep_spec.h"
#include "accel/workload.h"

namespace vigil::accel {

struct DseOptions {
  std::string dataflow = "row_stationary";  // a template, "search" or a mapping file
  MapperOptions search;                     // for "search"; `threads` evaluates that many points at once
  // Template parameters a layer carries (Layer::dataflow_params, such as Eyeriss's
  // Table III) were chosen for one chip; by default each point's template chooses its
  // own, which is what exploring other arrays needs.
  bool keep_layer_params = false;
};

struct DesignPoint {
  int64_t index = 0;           // in the sweep's order
  std::vector<double> values;  // one per sweep parameter
  double area_mm2 = 0;
  bool ok = false;
  std::string reason;     // why a layer does not fit, when !ok
  Prediction prediction;  // every layer's mapping and costs, when ok
  bool pareto = false;
};

// {energy mJ, total latency ms, area mm2}: the costs the front minimizes.
std::vector<double> design_costs(const DesignPoint& point);

struct Exploration {
  std::vector<DesignPoint> points;  // all, in the sweep's order
  std::vector<int64_t> front;       // indices of the points on the Pareto front, ascending
};

// A bad-input Error for an unknown dataflow or a bad mapping file (before any point is
// evaluated); never for a point that does not fit. Shows a progress bar on a terminal.
Exploration explore(const SweepSpec& sweep, const Workload& workload, const DseOptions& options);

}  // namespace vigil::accel

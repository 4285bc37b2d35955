// A whole workload on one accelerator: each layer mapped by a named dataflow template
// and evaluated, and the totals a report shows (`vigil predict`). Templates are looked
// up by name here, so the command line and the tests share one list.
#pragma once

#include <string>
#include <vector>

#include "accel/arch_spec.h"
#include "accel/evaluate.h"
#include "accel/mapping.h"
#include "accel/workload.h"

namespace vigil::accel {

const std::vector<std::string>& dataflow_names();  // "row_stationary", ...
// A bad-input Error naming the known dataflows if `name` is not one.
void check_dataflow_name(const std::string& name);

// The template's mapping for the layer. When the template's first choice overflows a
// buffer, fewer output rows per pass are tried before giving up.
Mapping template_mapping(const std::string& dataflow, const ArchSpec& arch, const Layer& layer);

struct LayerPrediction {
  Layer layer;
  Mapping mapping;
  EvalResult result;
};

struct PredictionTotals {
  double macs = 0;
  double processing_latency_ms = 0;
  double total_latency_ms = 0;
  double energy_mj = 0;
  double power_mw = 0;     // chip power weighted by processing latency
  double active_pes = 0;   // weighted by processing latency
  double dram_bytes = 0;
};

struct Prediction {
  std::string dataflow;
  std::vector<LayerPrediction> layers;
  PredictionTotals total;
};

// A bad-input Error "LAYER: the DATAFLOW mapping does not fit ARCH: reason" if a layer
// cannot be mapped.
Prediction predict(const ArchSpec& arch, const Workload& workload, const std::string& dataflow);

}  // namespace vigil::accel

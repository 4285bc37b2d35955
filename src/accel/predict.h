// SPDX-License-Identifier: Apache-2.0
// A whole workload on one accelerator: each layer mapped by a named dataflow template
// and evaluated, and the totals a report shows (`vigil predict`). Templates are looked
// up by name here, so the command line and the tests share one list.
#pragma once

#include <string>
#include <vector>

#include "accel/arch_spec.h"
#include "accel/evaluate.h"
#include "accel/mapper.h"
#include "accel/mapping.h"
#include "accel/workload.h"

namespace vigil::accel {

// The templates, and "search": the mapper (mapper.h) picks each layer's mapping.
const std::vector<std::string>& dataflow_names();  // "row_stationary", ...
// A name ending in .yaml or .yml is a mapping file (mapping_yaml.h).
bool is_dataflow_file(const std::string& name);
// A bad-input Error naming the known dataflows if `name` is neither one nor a file.
void check_dataflow_name(const std::string& name);

// The template's mapping for the layer ("search" is not a template). When the
// template's first choice overflows a buffer, smaller tiles are tried before giving up.
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
  double power_mw = 0;    // chip power weighted by processing latency
  double active_pes = 0;  // weighted by processing latency
  double dram_bytes = 0;
};

struct Prediction {
  std::string dataflow;
  std::vector<LayerPrediction> layers;
  PredictionTotals total;
};

// A bad-input Error "LAYER: the DATAFLOW mapping does not fit ARCH: reason" if a layer
// cannot be mapped (for a mapping file, the file and the mapping's field are named).
// `search` configures the mapper when the dataflow is "search".
Prediction predict(const ArchSpec& arch, const Workload& workload, const std::string& dataflow,
                   const MapperOptions& search = {});

}  // namespace vigil::accel

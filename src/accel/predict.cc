// SPDX-License-Identifier: Apache-2.0
// Mapping and evaluating every layer of a workload (predict.h).
#include "accel/predict.h"

#include <algorithm>

#include "accel/mapping_yaml.h"
#include "accel/row_stationary.h"
#include "accel/stationary_templates.h"
#include "core/error.h"

namespace vigil::accel {

const std::vector<std::string>& dataflow_names() {
  static const std::vector<std::string> names = {"row_stationary",   "weight_stationary", "output_stationary",
                                                 "input_stationary", "systolic",          "search"};
  return names;
}

bool is_dataflow_file(const std::string& name) {
  const size_t dot = name.rfind('.');
  return dot != std::string::npos && (name.substr(dot) == ".yaml" || name.substr(dot) == ".yml");
}

void check_dataflow_name(const std::string& name) {
  if (is_dataflow_file(name)) return;
  std::string known;
  for (const std::string& candidate : dataflow_names()) {
    if (candidate == name) return;
    known += (known.empty() ? "" : ", ") + candidate;
  }
  fail_bad_input("--dataflow: unknown dataflow '", name, "' (", known, ", or a mapping file FILE.yaml)");
}

Mapping template_mapping(const std::string& dataflow, const ArchSpec& arch, const Layer& layer) {
  check_dataflow_name(dataflow);
  if (dataflow == "search" || is_dataflow_file(dataflow)) {
    fail_internal("template_mapping: '", dataflow, "' is not a dataflow template");
  }
  if (dataflow != "row_stationary") {
    // Less of the window inside a PE, then fewer output rows, then fewer channels per
    // buffer tile, until the tiles fit.
    auto make = dataflow == "weight_stationary"   ? weight_stationary_mapping
                : dataflow == "output_stationary" ? output_stationary_mapping
                : dataflow == "input_stationary"  ? input_stationary_mapping
                                                  : systolic_mapping;
    TileBounds fit{2, layer.size(Dim::P) * layer.size(Dim::N), layer.size(Dim::C)};
    Mapping mapping = make(arch, layer, fit);
    while ((fit.window_dims_in_pe > 0 || fit.rows > 1 || fit.channels > 1) && !evaluate(arch, layer, mapping).ok) {
      if (fit.window_dims_in_pe > 0) {
        --fit.window_dims_in_pe;
      } else if (fit.rows > 1) {
        fit.rows /= 2;
      } else {
        fit.channels /= 2;
      }
      mapping = make(arch, layer, fit);
    }
    return mapping;
  }
  RowStationaryParams params = row_stationary_params(arch, layer);
  Mapping mapping = row_stationary_mapping(arch, layer, params);
  // Parameters the layer carries are the user's and are kept as given; the template's
  // own choice gives up output rows per pass, then channels and filters per PE, then
  // filters per buffer pass, to fit.
  if (!layer.dataflow_params.empty()) return mapping;
  while (!evaluate(arch, layer, mapping).ok) {
    if (params.e > 1) {
      params.e = (params.e + 1) / 2;
    } else if (params.q > 1) {
      params.q = (params.q + 1) / 2;
    } else if (params.p > 1) {
      params.p = (params.p + 1) / 2;
      params.m = std::min(params.m, params.p * params.t);
    } else if (params.m > params.p * params.t) {
      params.m = params.p * params.t;
    } else {
      break;
    }
    mapping = row_stationary_mapping(arch, layer, params);
  }
  return mapping;
}

Prediction predict(const ArchSpec& arch, const Workload& workload, const std::string& dataflow,
                   const MapperOptions& search) {
  Prediction prediction;
  prediction.dataflow = dataflow;
  PredictionTotals& total = prediction.total;
  double weighted_power = 0, weighted_pes = 0;
  const MappingFile file = is_dataflow_file(dataflow) ? load_mapping_file(dataflow, arch) : MappingFile{};
  for (const Layer& layer : workload.layers) {
    LayerPrediction row{layer, {}, {}};
    if (!file.path.empty()) {
      const std::string& key = mapping_key(file, layer);
      row.mapping = file_mapping(file, key, arch, layer);
      row.result = evaluate(arch, layer, row.mapping);
      check_input(row.result.ok, file.path, ": mappings.", key, ": does not fit layer '", layer.name, "' on ",
                  arch.path, ": ", row.result.reason);
    } else if (dataflow == "search") {
      MapperResult found = search_mapping(arch, layer, search);
      check_input(found.found, workload.source, ": layer '", layer.name, "': no mapping among ", found.evaluations,
                  " searched fits ", arch.path, " (try more --evaluations)");
      row.mapping = std::move(found.mapping);
      row.result = std::move(found.result);
    } else {
      row.mapping = template_mapping(dataflow, arch, layer);
      row.result = evaluate(arch, layer, row.mapping);
    }
    check_input(row.result.ok, workload.source, ": layer '", layer.name, "': the ", dataflow, " mapping does not fit ",
                arch.path, ": ", row.result.reason);
    const EvalResult& r = row.result;
    total.macs += r.macs;
    total.processing_latency_ms += r.processing_latency_ms;
    total.total_latency_ms += r.total_latency_ms;
    total.energy_mj += r.energy_mj();
    total.dram_bytes += r.dram_bytes;
    weighted_power += r.power_mw * r.processing_latency_ms;
    weighted_pes += static_cast<double>(r.active_pes) * r.processing_latency_ms;
    prediction.layers.push_back(std::move(row));
  }
  if (total.processing_latency_ms > 0) {
    total.power_mw = weighted_power / total.processing_latency_ms;
    total.active_pes = weighted_pes / total.processing_latency_ms;
  }
  return prediction;
}

}  // namespace vigil::accel

// Mapping and evaluating every layer of a workload (predict.h).
#include "accel/predict.h"

#include "accel/row_stationary.h"
#include "core/error.h"

namespace vigil::accel {

const std::vector<std::string>& dataflow_names() {
  static const std::vector<std::string> names = {"row_stationary"};
  return names;
}

void check_dataflow_name(const std::string& name) {
  std::string known;
  for (const std::string& candidate : dataflow_names()) {
    if (candidate == name) return;
    known += (known.empty() ? "" : ", ") + candidate;
  }
  fail_bad_input("--dataflow: unknown dataflow '", name, "' (", known, ")");
}

Mapping template_mapping(const std::string& dataflow, const ArchSpec& arch, const Layer& layer) {
  check_dataflow_name(dataflow);
  RowStationaryParams params = row_stationary_params(arch, layer);
  Mapping mapping = row_stationary_mapping(arch, layer, params);
  // Parameters the layer carries are the user's and are kept as given; the template's
  // own choice gives up output rows per pass, then filters per buffer pass, to fit.
  if (!layer.dataflow_params.empty()) return mapping;
  while (!evaluate(arch, layer, mapping).ok && (params.e > 1 || params.m > params.p * params.t)) {
    if (params.e > 1) {
      params.e = (params.e + 1) / 2;
    } else {
      params.m = params.p * params.t;
    }
    mapping = row_stationary_mapping(arch, layer, params);
  }
  return mapping;
}

Prediction predict(const ArchSpec& arch, const Workload& workload, const std::string& dataflow) {
  Prediction prediction;
  prediction.dataflow = dataflow;
  PredictionTotals& total = prediction.total;
  double weighted_power = 0, weighted_pes = 0;
  for (const Layer& layer : workload.layers) {
    LayerPrediction row{layer, template_mapping(dataflow, arch, layer), {}};
    row.result = evaluate(arch, layer, row.mapping);
    check_input(row.result.ok, workload.source, ": layer '", layer.name, "': the ", dataflow,
                " mapping does not fit ", arch.path, ": ", row.result.reason);
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

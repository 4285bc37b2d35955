// SPDX-License-Identifier: Apache-2.0
// `vigil predict`: what a model would cost on a DNN accelerator. Reads the layers (an
// ONNX model or a YAML list) and the architecture spec, maps every layer by a dataflow
// template or by the mapper's search (--dataflow search, --objective), evaluates it
// (accel/predict.h), and prints per layer the active PEs and utilization, processing and
// total latency, energy, chip power and DRAM traffic, then the totals. --json writes the
// same figures with the mappings, accesses, stalls and energy per level; --html a page
// with the energy by layer and by level (report/predict_html.h).
#include <cstdio>
#include <memory>

#include "accel/predict.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/mapper_flags.h"
#include "core/file_io.h"
#include "report/predict_html.h"

namespace vigil::cli {

namespace {

struct PredictOptions {
  std::string workload;
  std::string arch;
  std::string dataflow = "row_stationary";
  int64_t batch = 1;
  std::string objective = "edp";
  accel::MapperOptions search;
  std::string json;
  std::string html;
};

nlohmann::json figures(double processing_ms, double total_ms, double energy_mj, double power_mw, double active_pes,
                       double dram_bytes) {
  return {{"processing_latency_ms", processing_ms},
          {"total_latency_ms", total_ms},
          {"energy_mj", energy_mj},
          {"power_mw", power_mw},
          {"active_pes", active_pes},
          {"dram_bytes", dram_bytes}};
}

nlohmann::json layer_json(const accel::ArchSpec& arch, const accel::LayerPrediction& row) {
  const accel::EvalResult& r = row.result;
  nlohmann::json out = figures(r.processing_latency_ms, r.total_latency_ms, r.energy_mj(), r.power_mw,
                               static_cast<double>(r.active_pes), r.dram_bytes);
  out["name"] = row.layer.name;
  out["op"] = row.layer.op;
  out["macs"] = r.macs;
  for (accel::Dim dim : accel::kAllDims) out["dims"][accel::dim_name(dim)] = row.layer.size(dim);
  out["utilization"] = r.utilization;
  out["mapping"] = accel::mapping_to_string(row.mapping);
  out["cycles"] = {{"compute", r.compute_cycles},
                   {"ramp", r.ramp_cycles},
                   {"processing", r.processing_cycles},
                   {"total", r.total_cycles},
                   {"dram", r.dram_cycles}};
  nlohmann::json& energy = out["energy_pj"];
  energy["mac"] = r.mac_energy_pj;
  energy["noc"] = r.noc_energy_pj;
  energy["static"] = r.static_energy_pj;
  for (size_t i = 0; i < r.levels.size(); ++i) {
    const accel::LevelStats& level = r.levels[i];
    const std::string& name = accel::level_name(arch, i);
    energy[name] = level.energy_pj;
    nlohmann::json& accesses = out["accesses"][name];
    for (accel::DataSpace space : accel::kAllDataSpaces) {
      const int s = static_cast<int>(space);
      accesses[accel::data_space_name(space)] = {{"reads", level.reads[s]}, {"writes", level.writes[s]}};
    }
    out["stall_cycles"][name] = level.stall_cycles;
  }
  return out;
}

void predict(const PredictOptions& options) {
  accel::check_dataflow_name(options.dataflow);
  const accel::MapperOptions search = checked_mapper_options(options.objective, options.search);
  check_output_folder("--json", options.json);
  check_output_folder("--html", options.html);
  const accel::ArchSpec arch = accel::load_arch_spec(options.arch);
  const accel::Workload workload = accel::load_workload(options.workload, options.batch);
  const accel::Prediction prediction = accel::predict(arch, workload, options.dataflow, search);

  std::printf("%s on %s (%lldx%lld PEs, %.0f MHz), %s dataflow\n", workload.source.c_str(), arch.name.c_str(),
              static_cast<long long>(arch.pe_rows), static_cast<long long>(arch.pe_cols), arch.clock_mhz,
              prediction.dataflow.c_str());
  std::printf("  %-20s %-12s %10s %5s %6s %11s %11s %10s %9s %10s\n", "layer", "op", "MMACs", "PEs", "util%",
              "process ms", "total ms", "energy mJ", "power mW", "DRAM MB");
  nlohmann::json report = {{"workload", workload.source}, {"arch", arch.name}, {"dataflow", prediction.dataflow}};
  report["layers"] = nlohmann::json::array();
  for (const accel::LayerPrediction& row : prediction.layers) {
    const accel::EvalResult& r = row.result;
    // Long names (paths of nested modules) keep their informative end.
    const std::string& full = row.layer.name;
    const std::string name = full.size() > 20 ? ".." + full.substr(full.size() - 18) : full;
    std::printf("  %-20s %-12.12s %10.2f %5lld %6.1f %11.3f %11.3f %10.4f %9.1f %10.3f\n", name.c_str(),
                row.layer.op.c_str(), r.macs * 1e-6, static_cast<long long>(r.active_pes), 100 * r.utilization,
                r.processing_latency_ms, r.total_latency_ms, r.energy_mj(), r.power_mw, r.dram_bytes * 1e-6);
    report["layers"].push_back(layer_json(arch, row));
  }
  const accel::PredictionTotals& t = prediction.total;
  std::printf("  %-20s %-12s %10.2f %5.0f %6s %11.3f %11.3f %10.4f %9.1f %10.3f\n", "total", "", t.macs * 1e-6,
              t.active_pes, "", t.processing_latency_ms, t.total_latency_ms, t.energy_mj, t.power_mw,
              t.dram_bytes * 1e-6);
  std::fflush(stdout);
  report["total"] =
      figures(t.processing_latency_ms, t.total_latency_ms, t.energy_mj, t.power_mw, t.active_pes, t.dram_bytes);
  report["total"]["macs"] = t.macs;
  write_json_file(options.json, report);
  if (!options.html.empty())
    write_file_atomically(options.html, report::predict_html(arch, workload.source, prediction));
}

}  // namespace

void add_predict_command(CLI::App& app) {
  auto options = std::make_shared<PredictOptions>();
  CLI::App* command = app.add_subcommand(
      "predict", "Estimate a model's latency, energy and DRAM traffic on a DNN accelerator (docs/predict.md)");
  command->add_option("workload", options->workload, "ONNX model, or a YAML list of layer shapes")->required();
  command->add_option("--arch", options->arch, "architecture spec (YAML), e.g. src/accel/specs/eyeriss.yaml")
      ->required();
  command
      ->add_option("--dataflow", options->dataflow,
                   "row_stationary, weight_stationary, output_stationary, input_stationary (templates), "
                   "search (the mapper), "
                   "or a mapping file FILE.yaml (docs/predict.md)")
      ->capture_default_str();
  add_mapper_flags(command, options->objective, options->search);
  command->add_option("--threads", options->search.threads, "the mapper's threads (the result does not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command->add_option("--batch", options->batch, "batch size for a model's symbolic dimensions")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  command->add_option("--json", options->json, "write the per-layer figures and totals as JSON to this file");
  command->add_option("--html", options->html, "write a report with the energy by layer and by level to this file");
  command->callback([options] { predict(*options); });
}

}  // namespace vigil::cli

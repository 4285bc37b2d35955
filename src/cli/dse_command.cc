// SPDX-License-Identifier: Apache-2.0
// `vigil dse`: design-space exploration of the accelerator model. Reads the layers (an
// ONNX model or a YAML list) and a sweep spec (a base architecture and values for some
// of its fields), maps and evaluates every layer at every design point
// (accel/design_space.h), and prints one row per point with its summed energy, total
// latency and area proxy, marking the Pareto front. --csv and --json write the same
// points (the JSON adds the front points' mappings); --html a page with the front drawn
// (report/dse_html.h).
#include <algorithm>
#include <cstdio>
#include <memory>

#include "accel/design_space.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/mapper_flags.h"
#include "report/csv_field.h"
#include "report/dse_html.h"
#include "report/svg_chart.h"

namespace vigil::cli {

namespace {

struct DseCommandOptions {
  std::string workload;
  std::string sweep;
  int64_t batch = 1;
  std::string objective = "edp";
  accel::DseOptions dse;
  std::string csv;
  std::string json;
  std::string html;
};

std::string dse_csv(const accel::SweepSpec& sweep, const accel::Exploration& exploration) {
  std::string csv = "point";
  for (const accel::SweepParameter& parameter : sweep.parameters) csv += "," + report::csv_field(parameter.name);
  csv += ",fits,energy_mj,total_latency_ms,processing_latency_ms,area_mm2,pareto,reason\n";
  for (const accel::DesignPoint& point : exploration.points) {
    csv += std::to_string(point.index);
    for (const double value : point.values) csv += report::string_printf(",%.10g", value);
    const accel::PredictionTotals& t = point.prediction.total;
    csv += point.ok ? report::string_printf(",true,%.10g,%.10g,%.10g", t.energy_mj, t.total_latency_ms,
                                            t.processing_latency_ms)
                    : std::string(",false,,,");
    csv += report::string_printf(",%.10g,%s,", point.area_mm2, point.pareto ? "true" : "false") +
           report::csv_field(point.reason) + "\n";
  }
  return csv;
}

nlohmann::json dse_json(const DseCommandOptions& options, const accel::SweepSpec& sweep,
                        const accel::Workload& workload, const accel::Exploration& exploration) {
  nlohmann::json report = {{"workload", workload.source},
                           {"sweep", sweep.path},
                           {"arch", sweep.base.name},
                           {"dataflow", options.dse.dataflow}};
  report["keep_layer_params"] = options.dse.keep_layer_params;
  if (options.dse.dataflow == "search") {
    report["search"] = {{"objective", options.objective},
                        {"evaluations", options.dse.search.max_evaluations},
                        {"seed", options.dse.search.seed}};
  }
  report["area_model"] = {{"mac_mm2", sweep.area.mac_mm2},
                          {"sram_mm2_per_kib", sweep.area.sram_mm2_per_kib},
                          {"dram_mm2_per_gb_per_s", sweep.area.dram_mm2_per_gb_per_s}};
  report["parameters"] = nlohmann::json::array();
  for (const accel::SweepParameter& parameter : sweep.parameters) {
    report["parameters"].push_back({{"name", parameter.name}, {"values", parameter.values}});
  }
  report["points"] = nlohmann::json::array();
  for (const accel::DesignPoint& point : exploration.points) {
    nlohmann::json row = {
        {"point", point.index}, {"fits", point.ok}, {"area_mm2", point.area_mm2}, {"pareto", point.pareto}};
    for (size_t i = 0; i < point.values.size(); ++i) row["values"][sweep.parameters[i].name] = point.values[i];
    if (point.ok) {
      const accel::PredictionTotals& t = point.prediction.total;
      row["energy_mj"] = t.energy_mj;
      row["total_latency_ms"] = t.total_latency_ms;
      row["processing_latency_ms"] = t.processing_latency_ms;
    } else {
      row["reason"] = point.reason;
    }
    if (point.pareto) {
      for (const accel::LayerPrediction& layer : point.prediction.layers) {
        row["layers"].push_back({{"name", layer.layer.name},
                                 {"mapping", accel::mapping_to_string(layer.mapping)},
                                 {"energy_mj", layer.result.energy_mj()},
                                 {"total_latency_ms", layer.result.total_latency_ms}});
      }
    }
    report["points"].push_back(std::move(row));
  }
  report["front"] = exploration.front;
  return report;
}

void print_table(const accel::SweepSpec& sweep, const accel::Exploration& exploration) {
  std::printf("  %5s", "point");
  for (const accel::SweepParameter& parameter : sweep.parameters) {
    std::printf(" %*s", static_cast<int>(std::max<size_t>(parameter.name.size(), 8)), parameter.name.c_str());
  }
  std::printf(" %10s %11s %9s  %s\n", "energy mJ", "latency ms", "area mm2", "front");
  for (const accel::DesignPoint& point : exploration.points) {
    std::printf("  %5lld", static_cast<long long>(point.index));
    for (size_t i = 0; i < point.values.size(); ++i) {
      std::printf(" %*g", static_cast<int>(std::max<size_t>(sweep.parameters[i].name.size(), 8)), point.values[i]);
    }
    if (point.ok) {
      const accel::PredictionTotals& t = point.prediction.total;
      std::printf(" %10.4f %11.3f %9.3f  %s\n", t.energy_mj, t.total_latency_ms, point.area_mm2,
                  point.pareto ? "*" : "");
    } else {
      std::printf(" %10s %11s %9.3f  does not fit: %s\n", "-", "-", point.area_mm2, point.reason.c_str());
    }
  }
}

void dse(const DseCommandOptions& options) {
  accel::check_dataflow_name(options.dse.dataflow);
  accel::DseOptions dse = options.dse;
  dse.search = checked_mapper_options(options.objective, dse.search);
  check_output_folder("--csv", options.csv);
  check_output_folder("--json", options.json);
  check_output_folder("--html", options.html);
  const accel::SweepSpec sweep = accel::load_sweep_spec(options.sweep);
  const accel::Workload workload = accel::load_workload(options.workload, options.batch);
  const accel::Exploration exploration = accel::explore(sweep, workload, dse);

  int64_t fits = 0;
  for (const accel::DesignPoint& point : exploration.points) fits += point.ok ? 1 : 0;
  std::printf(
      "%s on %s (base %s), %s dataflow: %lld points, %lld fit, %zu on the Pareto front of energy, "
      "total latency and area (*)\n",
      workload.source.c_str(), sweep.path.c_str(), sweep.base.name.c_str(), dse.dataflow.c_str(),
      static_cast<long long>(exploration.points.size()), static_cast<long long>(fits), exploration.front.size());
  print_table(sweep, exploration);
  std::fflush(stdout);
  if (!options.csv.empty()) write_file_atomically(options.csv, dse_csv(sweep, exploration));
  write_json_file(options.json, dse_json(options, sweep, workload, exploration));
  if (!options.html.empty()) {
    write_file_atomically(options.html, report::dse_html(sweep, workload.source, dse.dataflow, exploration));
  }
}

}  // namespace

void add_dse_command(CLI::App& app) {
  auto options = std::make_shared<DseCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "dse", "Sweep accelerator parameters and find the Pareto front of energy, latency and area (docs/predict.md)");
  command->add_option("workload", options->workload, "ONNX model, or a YAML list of layer shapes")->required();
  command->add_option("--sweep", options->sweep, "sweep spec (YAML), e.g. src/accel/specs/eyeriss_dse.yaml")
      ->required();
  command
      ->add_option("--dataflow", options->dse.dataflow,
                   "a template (as for predict), search (the mapper), or a mapping file FILE.yaml")
      ->capture_default_str();
  options->dse.search.max_evaluations = 10000;
  add_mapper_flags(command, options->objective, options->dse.search);
  command
      ->add_option("--threads", options->dse.search.threads,
                   "design points evaluated at once (the result does not depend on it)")
      ->capture_default_str()
      ->check(CLI::Range(1, 256));
  command->add_flag("--keep-layer-params", options->dse.keep_layer_params,
                    "keep the template parameters the layers carry (chosen for one chip) at every point");
  command->add_option("--batch", options->batch, "batch size for a model's symbolic dimensions")
      ->capture_default_str()
      ->check(CLI::Range(1, 65536));
  command->add_option("--csv", options->csv, "write one row per design point to this file");
  command->add_option("--json", options->json, "write the points, the front and its mappings as JSON to this file");
  command->add_option("--html", options->html, "write a report with the Pareto front charted to this file");
  command->callback([options] { dse(*options); });
}

}  // namespace vigil::cli

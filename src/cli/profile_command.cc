// SPDX-License-Identifier: Apache-2.0
// `vigil profile`: where a model's time goes, against the machine's measured roofline
// (`vigil peaks`, cached). A table of layers sorted by time with each one's operations,
// intensity, achieved rate, share of peak and of the roof above it, and whether it is
// memory- or compute-bound; the time by operator type; and the model-level metrics of
// Sze et al. (MACs, parameters, peak activation memory, latency, throughput,
// utilization). --json writes all of it, --html the roofline report (report/profile_html.h).
#include <cstdio>
#include <map>
#include <memory>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "onnx_io/model_import.h"
#include "perf/model_profile.h"
#include "perf/peaks_cache.h"
#include "perf/report_layers.h"
#include "report/profile_html.h"
#include "report/svg_chart.h"

namespace vigil::cli {

namespace {

struct ProfileCommandOptions {
  std::string model;
  std::vector<std::string> inputs;
  perf::ProfileOptions profile;
  bool no_optimize = false;
  std::string json;
  std::string html;
};

void print_layers(const perf::ModelProfile& profile) {
  std::printf("  %-28s %-18s %-24s %8s %6s %8s %8s %8s %6s %6s %s\n", "layer", "op", "algorithm", "ms", "time%",
              "GOP/s", "GB/s", "op/byte", "%peak", "%roof", "bound");
  for (const perf::LayerProfile* layer : perf::layers_by_time(profile)) {
    std::printf("  %-28s %-18.18s %-24.24s %8.3f %6.1f %8.2f %8.2f %8.2f %6.1f %6.1f %s\n",
                report::clip_front(layer->name, 28).c_str(), layer->op_type.c_str(),
                perf::algorithm_name(*layer).c_str(), layer->seconds * 1e3,
                100.0 * perf::time_share(layer->seconds, profile), layer->achieved_gops, layer->achieved_gbs,
                layer->intensity, layer->percent_of_peak, layer->percent_of_roof, perf::bound_name(layer->bound));
  }
  std::printf("  %-28s %-18s %-24s %8.3f %6.1f %8.2f\n", "total (sum of layers)", "", "", profile.layer_seconds * 1e3,
              100.0, profile.layer_seconds > 0 ? profile.ops / profile.layer_seconds * 1e-9 : 0.0);
}

void print_operator_types(const perf::ModelProfile& profile) {
  std::printf("\n  %-28s %6s %10s %6s %8s\n", "operator type", "layers", "ms", "time%", "GOP/s");
  for (const perf::OperatorTypeTime& total : perf::time_by_operator_type(profile)) {
    std::printf("  %-28s %6d %10.3f %6.1f %8.2f\n", total.op_type.c_str(), total.layers, total.seconds * 1e3,
                100.0 * perf::time_share(total.seconds, profile), total.gops());
  }
}

void print_model_metrics(const perf::ModelProfile& profile) {
  std::printf("\n  MACs %.3f G   operations %.3f G   parameters %.3f M (%.1f MB)   peak activation memory %.1f MB\n",
              profile.macs * 1e-9, profile.ops * 1e-9, profile.parameters * 1e-6, profile.parameter_bytes * 1e-6,
              profile.peak_activation_bytes * 1e-6);
  std::printf("  latency %.3f ms (median, step timer off; layers sum to %.3f ms)   throughput %.1f inferences/s\n",
              profile.latency_seconds * 1e3, profile.layer_seconds * 1e3, profile.throughput_per_second);
  std::printf("  achieved %.2f GOP/s   utilization %.1f%% of the peak\n", profile.achieved_gops,
              profile.utilization_percent);
}

nlohmann::json to_json(const perf::ModelProfile& profile) {
  const perf::MachinePeaks& peaks = profile.peaks;
  nlohmann::json report = {
      {"model", profile.model},
      {"threads", profile.threads},
      {"runs", profile.runs},
      {"machine", {{"cpu_model", peaks.cpu_model}, {"cores", peaks.cores}, {"clock_ghz", peaks.clock_ghz}}},
      {"roofline",
       {{"fp32_peak_gflops", profile.fp32_peak_gops},
        {"int8_peak_gops", profile.int8_peak_gops},
        {"memory_gbs", profile.memory_gbs},
        {"fp32_ridge_ops_per_byte", profile.memory_gbs > 0 ? profile.fp32_peak_gops / profile.memory_gbs : 0.0},
        {"int8_ridge_ops_per_byte", profile.memory_gbs > 0 ? profile.int8_peak_gops / profile.memory_gbs : 0.0}}},
      {"macs", profile.macs},
      {"ops", profile.ops},
      {"parameters", profile.parameters},
      {"parameter_bytes", profile.parameter_bytes},
      {"peak_activation_bytes", profile.peak_activation_bytes},
      {"latency_ms", profile.latency_seconds * 1e3},
      {"layers_sum_ms", profile.layer_seconds * 1e3},
      {"throughput_per_second", profile.throughput_per_second},
      {"achieved_gops", profile.achieved_gops},
      {"utilization_percent", profile.utilization_percent},
      {"operator_types", nlohmann::json::array()},
      {"layers", nlohmann::json::array()}};
  for (const perf::OperatorTypeTime& total : perf::time_by_operator_type(profile)) {
    report["operator_types"].push_back(
        {{"op_type", total.op_type}, {"layers", total.layers}, {"ms", total.seconds * 1e3}, {"gops", total.gops()}});
  }
  for (const perf::LayerProfile& layer : profile.layers) {
    report["layers"].push_back({{"name", layer.name},
                                {"op_type", layer.op_type},
                                {"algorithm", layer.algorithm},
                                {"output_shape", layer.output_shape},
                                {"data_type", perf::data_type_name(layer)},
                                {"plane_pairs", layer.plane_pairs},
                                {"macs", layer.cost.macs},
                                {"ops", layer.cost.ops},
                                {"bytes_read", layer.cost.bytes_read},
                                {"bytes_written", layer.cost.bytes_written},
                                {"ms", layer.seconds * 1e3},
                                {"intensity_ops_per_byte", layer.intensity},
                                {"achieved_gops", layer.achieved_gops},
                                {"achieved_gbs", layer.achieved_gbs},
                                {"percent_of_peak", layer.percent_of_peak},
                                {"percent_of_roof", layer.percent_of_roof},
                                {"bound", perf::bound_name(layer.bound)}});
  }
  return report;
}

void profile(const ProfileCommandOptions& options) {
  check_output_folder("--json", options.json);
  check_output_folder("--html", options.html);
  auto model = load_model(options.model);
  std::map<std::string, Tensor> feeds = read_input_files(model->graph, options.inputs);
  add_random_inputs(model->graph, feeds);
  const perf::FoundPeaks found = perf::find_machine_peaks(false, 0);
  const perf::MachinePeaks& peaks = found.peaks;
  perf::ProfileOptions profile_options = options.profile;
  profile_options.optimize = !options.no_optimize;
  const perf::ModelProfile profile = perf::profile_model(model, options.model, feeds, profile_options, peaks);

  std::printf(
      "%s: %d thread%s, median of %d runs; roofline: fp32 %.1f GFLOP/s, memory %.1f GB/s, ridge %.2f "
      "flop/byte (%s, %.2f GHz)\n",
      options.model.c_str(), profile.threads, profile.threads == 1 ? "" : "s", profile.runs, profile.fp32_peak_gops,
      profile.memory_gbs, profile.memory_gbs > 0 ? profile.fp32_peak_gops / profile.memory_gbs : 0.0,
      peaks.cpu_model.c_str(), peaks.clock_ghz);
  std::printf("(the roofline was %s; `vigil peaks --force` measures it again)\n\n",
              found.from_cache ? "cached" : "measured now");
  print_layers(profile);
  print_operator_types(profile);
  print_model_metrics(profile);
  std::fflush(stdout);
  const std::string html = options.html.empty() ? std::string() : report::profile_html(profile);
  write_json_file(options.json, to_json(profile));
  if (!options.html.empty()) write_file_atomically(options.html, html);
}

}  // namespace

void add_profile_command(CLI::App& app) {
  auto options = std::make_shared<ProfileCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "profile",
      "Profile a model layer by layer against the machine's measured roofline: time, operations, intensity, "
      "share of peak, memory- or compute-bound; with model-level MACs, parameters, memory, latency and utilization");
  command->add_option("model", options->model, "ONNX model file")->required();
  add_input_files_option(*command, options->inputs);
  command->add_option("--threads", options->profile.threads, "threads to use")
      ->default_val(1)
      ->check(CLI::Range(1, 256));
  command->add_option("--runs", options->profile.runs, "timed runs; the figures are medians over them")
      ->default_val(20)
      ->check(CLI::Range(1, 100000));
  command->add_flag("--no-optimize", options->no_optimize,
                    "profile the graph as written, without the optimisation passes");
  command->add_option("--json", options->json, "write the profile as JSON to this file");
  command->add_option("--html", options->html,
                      "write a self-contained HTML report (roofline, per-layer time, time by operator type)");
  command->callback([options] { profile(*options); });
}

}  // namespace vigil::cli

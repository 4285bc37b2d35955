// SPDX-License-Identifier: Apache-2.0
// `vigil abft MODEL`: what each ABFT scheme costs each layer of a model, against the
// machine's ridge (abft/scheme_comparison.h): per checked layer its MACs, arithmetic
// intensity, the ridge, the time without ABFT and each scheme's overhead, which scheme was
// faster; then the whole model's overhead per scheme and how often fused, the scheme vigil
// runs by default, was the faster one. --json writes every layer, --html a page with the
// overhead per layer drawn (report/abft_html.h).
#include <cstdio>
#include <map>
#include <memory>

#include "abft/scheme_comparison.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "onnx_io/model_import.h"
#include "perf/peaks_cache.h"
#include "core/output_files.h"
#include "report/abft_html.h"
#include "report/svg_chart.h"

namespace vigil::cli {

namespace {

struct AbftCommandOptions {
  std::string model;
  std::vector<std::string> inputs;
  int threads = 1;
  int runs = 20;
  std::string json;
  std::string html;
};

double percent_over(double seconds, double base) { return base > 0 ? 100.0 * (seconds / base - 1.0) : 0.0; }

void print_layers(const abft::SchemeComparison& comparison) {
  std::printf("  %-28s %-16s %9s %8s %7s %-7s %8s %9s %9s %-8s %s\n", "layer", "op", "MMACs", "op/byte", "ridge",
              "bound", "off ms", "fused", "separate", "faster", "auto");
  for (const abft::LayerComparison& layer : comparison.layers) {
    if (!layer.fused_checked && !layer.separate_checked) continue;
    std::printf("  %-28s %-16.16s %9.2f %8.2f %7.2f %-7s %8.3f %+8.1f%% %+8.1f%% %-8s %s\n",
                report::clip_front(layer.name, 28).c_str(), layer.op_type.c_str(), layer.macs * 1e-6, layer.intensity,
                layer.ridge, layer.intensity < layer.ridge ? "memory" : "compute", layer.off_seconds * 1e3,
                layer.fused_checked ? percent_over(layer.fused_seconds, layer.off_seconds) : 0.0,
                percent_over(layer.separate_seconds, layer.off_seconds),
                layer.fused_seconds <= layer.separate_seconds ? "fused" : "separate",
                layer.fused_checked && layer.separate_checked ? (layer.auto_separate() ? "separate" : "fused") : "-");
  }
}

nlohmann::json to_json(const std::string& model, const abft::SchemeComparison& comparison) {
  nlohmann::json report = {{"model", model},
                           {"threads", comparison.threads},
                           {"runs", comparison.runs},
                           {"off_ms", comparison.off_seconds * 1e3},
                           {"fused_ms", comparison.fused_seconds * 1e3},
                           {"separate_ms", comparison.separate_seconds * 1e3},
                           {"checked_layers", comparison.checked_layers},
                           {"fused_faster", comparison.fused_faster},
                           {"best_per_layer_saves_ms", comparison.best_saves_seconds * 1e3},
                           {"compared_layers", comparison.compared_layers},
                           {"auto_right", comparison.auto_right},
                           {"auto_saves_ms", comparison.auto_saves_seconds * 1e3},
                           {"layers", nlohmann::json::array()}};
  for (const abft::LayerComparison& layer : comparison.layers) {
    report["layers"].push_back({{"name", layer.name},
                                {"op_type", layer.op_type},
                                {"algorithm", layer.algorithm},
                                {"data_type", layer.integer ? "int8" : "fp32"},
                                {"macs", layer.macs},
                                {"intensity_ops_per_byte", layer.intensity},
                                {"ridge_ops_per_byte", layer.ridge},
                                {"off_ms", layer.off_seconds * 1e3},
                                {"fused_ms", layer.fused_seconds * 1e3},
                                {"separate_ms", layer.separate_seconds * 1e3},
                                {"fused_checked", layer.fused_checked},
                                {"separate_checked", layer.separate_checked},
                                {"auto_scheme", layer.auto_separate() ? "separate" : "fused"}});
  }
  return report;
}

void compare(const AbftCommandOptions& options) {
  check_output_folder("--json", options.json);
  check_output_folder("--html", options.html);
  auto model = load_model(options.model);
  std::map<std::string, Tensor> feeds = read_input_files(model->graph, options.inputs);
  add_random_inputs(model->graph, feeds);
  const perf::FoundPeaks found = perf::find_machine_peaks(false, 0);
  const abft::SchemeComparison comparison =
      abft::compare_schemes(model, feeds, options.threads, options.runs, found.peaks);
  std::printf("%s: %d thread%s, median of %d runs of each scheme in turn; ridge from `vigil peaks` (%s)\n\n",
              options.model.c_str(), options.threads, options.threads == 1 ? "" : "s", options.runs,
              found.from_cache ? "cached" : "measured now");
  print_layers(comparison);
  std::printf("\n  whole model: off %.3f ms, fused %.3f ms (%+.1f%%), separate %.3f ms (%+.1f%%)\n",
              comparison.off_seconds * 1e3, comparison.fused_seconds * 1e3,
              percent_over(comparison.fused_seconds, comparison.off_seconds), comparison.separate_seconds * 1e3,
              percent_over(comparison.separate_seconds, comparison.off_seconds));
  std::printf("  fused was the faster scheme on %d of %d checked layers; the faster scheme per layer would save %.3f "
              "ms (%.1f%% of the model without ABFT)\n",
              comparison.fused_faster, comparison.checked_layers, comparison.best_saves_seconds * 1e3,
              comparison.off_seconds > 0 ? 100.0 * comparison.best_saves_seconds / comparison.off_seconds : 0.0);
  std::printf("  --abft auto (separate where the largest operand alone makes a layer memory-bound) picks the faster "
              "scheme on %d of the %d layers both "
              "check; its picks save %.3f ms over fused everywhere\n",
              comparison.auto_right, comparison.compared_layers, comparison.auto_saves_seconds * 1e3);
  std::fflush(stdout);
  const nlohmann::json report = to_json(options.model, comparison);
  const std::string html = options.html.empty() ? std::string() : report::abft_html(report);
  write_json_file(options.json, report);
  if (!options.html.empty()) write_file_atomically(options.html, html);
}

}  // namespace

void add_abft_command(CLI::App& app) {
  auto options = std::make_shared<AbftCommandOptions>();
  CLI::App* command = app.add_subcommand(
      "abft",
      "What each ABFT scheme costs each layer: intensity against the machine's ridge, time without ABFT, the "
      "overhead of fused and separate, the faster one; and the whole model's overhead per scheme");
  command->add_option("model", options->model, "ONNX model file")->required();
  add_input_files_option(*command, options->inputs);
  command->add_option("--threads", options->threads, "threads to use")->default_val(1)->check(CLI::Range(1, 256));
  command->add_option("--runs", options->runs, "timed runs of each scheme; the figures are medians over them")
      ->default_val(20)
      ->check(CLI::Range(1, 100000));
  command->add_option("--json", options->json, "write every layer's figures as JSON to this file");
  command->add_option("--html", options->html,
                      "write a self-contained HTML page (overhead per layer, coverage, every figure) to this file");
  command->callback([options] { compare(*options); });
}

}  // namespace vigil::cli

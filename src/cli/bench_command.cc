// SPDX-License-Identifier: Apache-2.0
// `vigil bench`: the latency of a model in vigil (median, p90 and min of timed runs after
// warm-up) and, with --peer ort, in ONNX Runtime under the same conditions: same inputs,
// same thread count, timed in alternating blocks (some vigil runs, then as many ONNX
// Runtime runs, repeated) so that both see the same load on a shared machine. With
// --abft, vigil without ABFT is timed the same way beside it, and the overhead reported.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include "cli/abft_flags.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "cli/ort_peer.h"
#include "cli/seed_flag.h"
#include "core/cpu_features.h"
#include "kernels/f32_gemm.h"
#include "onnx_io/model_import.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"

namespace vigil::cli {

namespace {

// Timed runs are taken in this many alternating blocks per engine (fewer if there are
// fewer runs).
constexpr int kBlocks = 5;
// Before each block the machine settles, so that the other engine's idle threads (vigil's
// and ONNX Runtime's both spin a while after their last work) have gone to sleep, and one
// untimed run wakes this engine's threads.
constexpr auto kSettle = std::chrono::milliseconds(100);

struct BenchOptions {
  std::string model;
  std::vector<std::string> inputs;
  uint64_t seed = 0;
  int threads = 1;
  int warmup = 3;
  int runs = 20;
  std::string json;
  std::string peer;
  AbftFlags abft;
};

struct Latency {
  double median_ms = 0, p90_ms = 0, min_ms = 0, mean_ms = 0;
  std::vector<double> times_ms;  // in the order they were taken
};

Latency summarize_times(const std::vector<double>& times) {
  Latency latency;
  latency.times_ms = times;
  std::vector<double> sorted = times;
  std::sort(sorted.begin(), sorted.end());
  const size_t n = sorted.size();
  latency.median_ms = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  latency.p90_ms = sorted[static_cast<size_t>(std::ceil(0.9 * static_cast<double>(n))) - 1];  // nearest rank
  latency.min_ms = sorted.front();
  for (double time : sorted) latency.mean_ms += time / static_cast<double>(n);
  return latency;
}

nlohmann::json to_json(const Latency& latency) {
  return {{"median_ms", latency.median_ms},  {"p90_ms", latency.p90_ms},
          {"min_ms", latency.min_ms},        {"mean_ms", latency.mean_ms},
          {"runs", latency.times_ms.size()}, {"inferences_per_s", 1000.0 / latency.median_ms},
          {"times_ms", latency.times_ms}};
}

void print_line(const std::string& engine, const Latency& latency) {
  std::cout << "  " << std::left << std::setw(24) << engine << std::right << std::fixed << std::setprecision(3)
            << "median " << latency.median_ms << " ms  p90 " << latency.p90_ms << " ms  min " << latency.min_ms
            << " ms  " << std::setprecision(1) << 1000.0 / latency.median_ms << " inferences/s\n";
}

std::vector<double> time_vigil_runs(Session& session, const std::map<std::string, Tensor>& feeds, int count) {
  std::vector<double> times;
  for (int i = 0; i < count; ++i) {
    const auto start = std::chrono::steady_clock::now();
    session.run(feeds);
    times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  return times;
}

void bench(const BenchOptions& options) {
  check_input(options.peer.empty() || options.peer == "ort", "--peer '", options.peer,
              "': the only peer is 'ort' (ONNX Runtime)");
  check_output_folder("--json", options.json);

  auto model = load_model(options.model);
  std::map<std::string, Tensor> feeds = read_input_files(model->graph, options.inputs);
  add_random_inputs(model->graph, feeds, options.seed);
  const abft::Options abft = options.abft.options(options.threads);
  Session session(model, SessionOptions{options.threads, true, abft});
  warn_about_reference_kernels(measure_step_costs(session, feeds));  // an untimed run that names slow layers
  std::unique_ptr<Session> unchecked;  // the same model without ABFT, timed beside it
  if (abft.scheme != abft::Scheme::Off) unchecked = std::make_unique<Session>(model, SessionOptions{options.threads});
  std::unique_ptr<OrtPeer> peer;
  if (!options.peer.empty()) peer = std::make_unique<OrtPeer>(options.model, feeds, options.threads);

  // Each engine's timed runs, in alternating blocks.
  std::vector<std::function<std::vector<double>(int)>> engines = {
      [&](int count) { return time_vigil_runs(session, feeds, count); }};
  if (unchecked) engines.push_back([&](int count) { return time_vigil_runs(*unchecked, feeds, count); });
  if (peer) engines.push_back([&](int count) { return peer->time_runs(count); });
  for (auto& engine : engines) {
    if (options.warmup > 0) engine(options.warmup);
  }
  std::vector<std::vector<double>> times(engines.size());
  const int block = (options.runs + kBlocks - 1) / kBlocks;
  for (int done = 0; done < options.runs; done += block) {
    const int count = std::min(block, options.runs - done);
    for (size_t e = 0; e < engines.size(); ++e) {
      if (engines.size() > 1) {
        std::this_thread::sleep_for(kSettle);
        engines[e](1);
      }
      const std::vector<double> block_times = engines[e](count);
      times[e].insert(times[e].end(), block_times.begin(), block_times.end());
    }
  }
  const std::vector<double>& vigil_times = times[0];
  const std::vector<double>& peer_times = times.back();

  const Latency latency = summarize_times(vigil_times);
  const char* isa = isa_name(active_isa());
  nlohmann::json report = to_json(latency);
  report["model"] = options.model;
  report["threads"] = options.threads;
  report["warmup"] = options.warmup;
  report["isa"] = isa;
  report["cpu_features"] = active_features().to_string();
  report["f32_gemm_kernel"] = kernels::f32_gemm_kernel_name();
  std::map<std::string, int> algorithms;  // what the operators chose, with how many nodes chose it
  for (const Session::StepSummary& step : session.step_summaries()) {
    if (!step.algorithm.empty()) ++algorithms[step.algorithm];
  }
  report["algorithms"] = algorithms;

  std::cout << options.model << ": " << options.threads << " thread(s), " << isa << ", " << options.warmup
            << " warm-up + " << options.runs << " timed runs each\n";
  print_line(abft.scheme == abft::Scheme::Off ? "vigil" : str_cat("vigil, abft ", abft::scheme_name(abft.scheme)),
             latency);
  if (unchecked) {
    const Latency plain = summarize_times(times[1]);
    const double overhead = latency.median_ms / plain.median_ms - 1.0;
    print_line("vigil, abft off", plain);
    std::cout << "  ABFT overhead (median / median without): " << std::setprecision(1) << 100.0 * overhead << "%\n";
    report["abft"] = abft_summary(session);
    report["abft"]["unchecked"] = to_json(plain);
    report["abft"]["overhead"] = overhead;
    std::cout << abft_summary_line(report["abft"]);
  }
  if (peer) {
    const Latency peer_latency = summarize_times(peer_times);
    const double ratio = peer_latency.median_ms / latency.median_ms;
    print_line(peer->name(), peer_latency);
    std::cout << "  ORT median / vigil median: " << std::setprecision(2) << ratio
              << (ratio >= 1.0 ? " (vigil faster)\n" : " (ONNX Runtime faster)\n");
    report["peer"] = to_json(peer_latency);
    report["peer"]["name"] = peer->name();
    report["ratio_vs_peer"] = ratio;
  }
  write_json_file(options.json, report);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto options = std::make_shared<BenchOptions>();
  CLI::App* command = app.add_subcommand(
      "bench", "Time a model: median, p90 and min latency over timed runs, optionally against ONNX Runtime");
  command->add_option("model", options->model, "ONNX model file")->required();
  add_input_files_option(*command, options->inputs);
  command->add_option("--seed", options->seed, "seed of the random inputs")->default_val(0)->check(seed_flag_check());
  command->add_option("--threads", options->threads, "threads to use (vigil and the peer)")
      ->default_val(1)
      ->check(CLI::Range(1, 256));
  command->add_option("--warmup", options->warmup, "untimed runs first")->default_val(3)->check(CLI::Range(0, 100000));
  command->add_option("--runs", options->runs, "timed runs")->default_val(20)->check(CLI::Range(1, 100000));
  command->add_option("--json", options->json, "write the figures as JSON to this file");
  command->add_option("--peer", options->peer,
                      "'ort': time ONNX Runtime (node, bench/ort_run.js) on the same inputs and threads, in "
                      "blocks alternating with vigil's");
  add_abft_flags(*command, options->abft);
  command->callback([options] { bench(*options); });
}

}  // namespace vigil::cli

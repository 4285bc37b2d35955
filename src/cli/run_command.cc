// SPDX-License-Identifier: Apache-2.0
// `vigil run`: one inference on given or random inputs (or --repeat N of them, each on
// fresh random inputs: how ABFT's clean runs are counted); outputs written as .npy.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>

#include "cli/abft_flags.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/model_inputs.h"
#include "cli/seed_flag.h"
#include "cli/tensor_summary.h"
#include "io/npy.h"
#include "onnx_io/model_import.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/session.h"
#include "runtime/step_costs.h"

namespace vigil::cli {

namespace {

struct RunOptions {
  std::string model;
  std::vector<std::string> inputs;
  bool random_inputs = false;
  uint64_t seed = 0;
  int repeat = 1;
  std::string output_dir;
  int threads = 1;
  std::string json;
  bool no_optimize = false;
  AbftFlags abft;
};

// Output names may hold characters that are not safe in file names.
std::string file_name_for(const std::string& value_name) {
  std::string name = value_name;
  for (char& c : name) {
    if (c == '/' || c == ':' || c == '\\') c = '_';
  }
  return name + ".npy";
}

void run(const RunOptions& options) {
  auto model = load_model(options.model);
  std::map<std::string, Tensor> feeds = read_input_files(model->graph, options.inputs);
  const std::vector<std::string> random = options.random_inputs ? missing_inputs(model->graph, feeds)
                                                                 : std::vector<std::string>{};
  if (options.random_inputs) add_random_inputs(model->graph, feeds, options.seed);
  const auto missing = missing_inputs(model->graph, feeds);
  if (!missing.empty()) {
    std::string names;
    for (const std::string& name : missing) names += (names.empty() ? "'" : ", '") + name + "'";
    fail_bad_input(options.model, ": no value for input ", names, " (give --input NAME=FILE or --random-inputs)");
  }
  if (!options.output_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.output_dir, error);
    check_input(std::filesystem::is_directory(options.output_dir), "--output ", options.output_dir,
                ": cannot create the folder");
  }

  Session session(model, SessionOptions{options.threads, !options.no_optimize, options.abft.options(options.threads)});
  std::vector<Tensor> outputs;
  std::vector<double> times_ms;
  for (int i = 0; i < options.repeat; ++i) {
    if (options.random_inputs && i > 0) {  // fresh random values, from the next seed
      for (const std::string& name : random) feeds.erase(name);
      add_random_inputs(model->graph, feeds, options.seed + static_cast<uint64_t>(i));
    }
    const auto start = std::chrono::steady_clock::now();
    if (i == 0) {  // the first run also notes which heavy layers run on a reference kernel
      warn_about_reference_kernels(measure_step_costs(session, feeds, &outputs));
    } else {
      outputs = session.run(feeds);
    }
    times_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times_ms.begin(), times_ms.end());
  const double elapsed_ms = times_ms[times_ms.size() / 2];

  nlohmann::json report = {
      {"model", options.model}, {"threads", options.threads}, {"latency_ms", elapsed_ms}, {"inferences", options.repeat}};
  if (options.repeat == 1) {
    std::cout << options.model << ": ran in " << elapsed_ms << " ms on " << options.threads << " thread(s)\n";
  } else {
    std::cout << options.model << ": ran " << options.repeat << " inferences, median " << elapsed_ms << " ms on "
              << options.threads << " thread(s); the last one's inputs and outputs:\n";
  }
  for (const auto& [name, tensor] : feeds) {
    std::cout << "  input  " << name << ": " << to_string(summarize(tensor)) << "\n";
    report["inputs"][name] = to_json(summarize(tensor));
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    const std::string& name = model->graph.outputs[o].name;
    const TensorSummary summary = summarize(outputs[o]);
    std::cout << "  output " << name << ": " << to_string(summary) << "\n";
    report["outputs"][name] = to_json(summary);
    if (!options.output_dir.empty()) {
      const std::string path = (std::filesystem::path(options.output_dir) / file_name_for(name)).string();
      write_npy_file(outputs[o], path);
      report["outputs"][name]["file"] = path;
    }
  }
  report["abft"] = abft_summary(session, &feeds);
  std::cout << abft_summary_line(report["abft"]);
  write_json_file(options.json, report);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* command = app.add_subcommand("run", "Run a model once on inputs from files or random inputs");
  command->add_option("model", options->model, "ONNX model file")->required();
  command
      ->add_option("--input", options->inputs,
                   "NAME=FILE: the value of input NAME, from a .npy file or an ONNX TensorProto .pb file "
                   "(repeat for several inputs)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
  command->add_flag("--random-inputs", options->random_inputs,
                    "fill inputs not given with seeded random values (symbolic dimensions become 1)");
  command->add_option("--seed", options->seed, "seed for --random-inputs")->default_val(0)->check(seed_flag_check());
  command
      ->add_option("--repeat", options->repeat,
                   "run N inferences, each on fresh random inputs (seeds SEED, SEED + 1, ...) with --random-inputs;\n"
                   "the latency is their median, the outputs the last one's")
      ->default_val(1)
      ->check(CLI::Range(1, 100000000));
  command->add_option("--output", options->output_dir, "write each output to DIR/<output name>.npy");
  command->add_option("--threads", options->threads, "threads to use")->default_val(1)->check(CLI::Range(1, 256));
  command->add_flag("--no-optimize", options->no_optimize, "run the graph as written, without the optimisation passes");
  command->add_option("--json", options->json, "write the summary as JSON to this file");
  add_abft_flags(*command, options->abft);
  command->callback([options] { run(*options); });
}

}  // namespace vigil::cli

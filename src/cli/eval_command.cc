// SPDX-License-Identifier: Apache-2.0
// `vigil eval`: top-1 accuracy and throughput of an image classifier on an IDX image set
// (MNIST, Fashion-MNIST); the work is eval/classifier_eval.
#include <cstdio>

#include "cli/abft_flags.h"
#include "cli/commands.h"
#include "cli/json_output.h"
#include "eval/classifier_eval.h"
#include "onnx_io/model_import.h"

namespace vigil::cli {

namespace {

struct EvalOptions {
  std::string model;
  std::string dataset;
  ClassifierEvalOptions eval;
  int threads = 1;
  std::string json;
  bool no_optimize = false;
  AbftFlags abft;
};

void evaluate(const EvalOptions& options) {
  auto model = load_model(options.model);
  const IdxDataset dataset = read_idx_dataset(options.dataset, options.eval.limit);
  Session session(model, SessionOptions{options.threads, !options.no_optimize, options.abft.options(options.threads)});
  const ClassifierEvalResult result = evaluate_classifier(session, dataset, options.eval);
  std::printf("%s on %s: top-1 accuracy %.2f%% (%lld of %lld images), %.0f images/s (batch %lld, %d thread%s)\n",
              options.model.c_str(), options.dataset.c_str(), 100 * result.accuracy(),
              static_cast<long long>(result.correct), static_cast<long long>(result.images), result.images_per_second(),
              static_cast<long long>(result.batch), options.threads, options.threads == 1 ? "" : "s");
  const nlohmann::json abft = abft_summary(session);
  std::printf("%s", abft_summary_line(abft).c_str());
  std::fflush(stdout);
  write_json_file(options.json, {{"model", options.model},
                                 {"dataset", options.dataset},
                                 {"images", result.images},
                                 {"correct", result.correct},
                                 {"accuracy", result.accuracy()},
                                 {"images_per_second", result.images_per_second()},
                                 {"seconds", result.seconds},
                                 {"batch", result.batch},
                                 {"threads", options.threads},
                                 {"abft", abft}});
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* command = app.add_subcommand(
      "eval", "Top-1 accuracy and images per second of a classifier on an IDX image set (MNIST, Fashion-MNIST)");
  command
      ->add_option("model", options->model,
                   "ONNX classifier: input [N,1,H,W], [N,H,W] or [N,H*W] of float32 pixels in [0, 1], "
                   "first output [N, classes]")
      ->required();
  command
      ->add_option("--dataset", options->dataset,
                   "a folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz], or an images "
                   "file whose labels file sits beside it")
      ->required();
  command->add_option("--limit", options->eval.limit, "evaluate only the first N images (0: all)")
      ->check(CLI::Range(int64_t{0}, int64_t{1000000000}));
  command->add_option("--batch", options->eval.batch, "images per inference when the batch dimension is free")
      ->default_val(100)
      ->check(CLI::Range(1, 100000));
  command->add_option("--threads", options->threads, "threads to use")->default_val(1)->check(CLI::Range(1, 256));
  command->add_flag("--no-optimize", options->no_optimize, "run the graph as written, without the optimisation passes");
  command->add_option("--json", options->json, "write the results as JSON to this file");
  add_abft_flags(*command, options->abft);
  command->callback([options] { evaluate(*options); });
}

}  // namespace vigil::cli

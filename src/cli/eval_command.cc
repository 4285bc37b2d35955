// `vigil eval`: top-1 accuracy and throughput of an image classifier on an IDX image set
// (MNIST, Fashion-MNIST). Pixels are fed as float32 in [0, 1] (uint8 / 255); the model
// does any further normalisation itself. The model's first input is [N, 1, H, W],
// [N, H, W] or [N, H*W]; its first output holds one score per class.
#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "io/idx.h"
#include "onnx/model_import.h"
#include "runtime/session.h"

namespace vigil::cli {

namespace {

struct EvalOptions {
  std::string model;
  std::string dataset;
  int64_t limit = 0;
  int64_t batch = 100;
  int threads = 1;
  std::string json;
};

// The input shape for `count` images, following the model's declared input.
Shape batch_shape(const ValueInfo& input, int64_t count, int64_t rows, int64_t cols) {
  const size_t rank = input.has_shape ? input.dims.size() : 4;
  if (rank == 4) return {count, 1, rows, cols};
  if (rank == 3) return {count, rows, cols};
  check_input(rank == 2, "model input '", input.name, "' ", value_info_to_string(input),
              " is not an image batch ([N,1,H,W], [N,H,W] or [N,H*W])");
  return {count, rows * cols};
}

void evaluate(const EvalOptions& options) {
  auto model = load_model(options.model);
  const IdxDataset dataset = read_idx_dataset(options.dataset);
  const Graph& graph = model->graph;
  check_input(graph.inputs.size() == 1, options.model, ": eval needs a model with one input, it has ",
              graph.inputs.size());
  const ValueInfo& input = graph.inputs[0];
  check_input(input.dtype == DType::Float32, options.model, ": eval needs a float32 input, '", input.name,
              "' is ", dtype_name(input.dtype));
  int64_t batch = options.batch;
  if (input.has_shape && !input.dims.empty() && input.dims[0].is_fixed()) batch = input.dims[0].value;

  const int64_t rows = dataset.images.dim(1), cols = dataset.images.dim(2);
  const int64_t available = dataset.images.dim(0);
  const int64_t count = options.limit > 0 ? std::min(options.limit, available) : available;
  const uint8_t* pixels = dataset.images.data<uint8_t>();
  const std::vector<int64_t> labels = dataset.labels.to_int64_vector();

  Session session(model, SessionOptions{options.threads});
  int64_t correct = 0;
  double seconds = 0;
  for (int64_t start = 0; start < count; start += batch) {
    const int64_t used = std::min(batch, count - start);
    Tensor images(DType::Float32, batch_shape(input, batch, rows, cols));
    float* data = images.data<float>();
    for (int64_t i = 0; i < used * rows * cols; ++i) data[i] = pixels[start * rows * cols + i] / 255.0f;
    const auto begin = std::chrono::steady_clock::now();
    const std::vector<Tensor> outputs = session.run({{input.name, images}});
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    const Tensor& scores = outputs.at(0);
    check_input(scores.rank() == 2 && scores.dim(0) == batch, options.model, ": first output ",
                shape_to_string(scores.shape()), " is not [batch, classes]");
    const std::vector<double> values = scores.to_double_vector();
    const int64_t classes = scores.dim(1);
    for (int64_t i = 0; i < used; ++i) {
      int64_t best = 0;
      for (int64_t c = 1; c < classes; ++c) {
        if (values[i * classes + c] > values[i * classes + best]) best = c;
      }
      correct += best == labels[start + i];
    }
  }
  const double accuracy = count ? static_cast<double>(correct) / static_cast<double>(count) : 0;
  const double throughput = seconds > 0 ? static_cast<double>(count) / seconds : 0;
  std::printf("%s on %s: top-1 accuracy %.2f%% (%lld of %lld images), %.0f images/s (batch %lld, %d thread%s)\n",
              options.model.c_str(), options.dataset.c_str(), 100 * accuracy, static_cast<long long>(correct),
              static_cast<long long>(count), throughput, static_cast<long long>(batch), options.threads,
              options.threads == 1 ? "" : "s");
  std::fflush(stdout);
  write_json_file(options.json, {{"model", options.model}, {"dataset", options.dataset}, {"images", count},
                                 {"correct", correct}, {"accuracy", accuracy}, {"images_per_second", throughput},
                                 {"seconds", seconds}, {"batch", batch}, {"threads", options.threads}});
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* command = app.add_subcommand(
      "eval", "Top-1 accuracy and images per second of a classifier on an IDX image set (MNIST, Fashion-MNIST)");
  command->add_option("model", options->model, "ONNX model file")->required();
  command->add_option("--dataset", options->dataset,
                      "a folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz], or an images "
                      "file whose labels file sits beside it")
      ->required();
  command->add_option("--limit", options->limit, "evaluate only the first N images");
  command->add_option("--batch", options->batch, "images per inference when the batch dimension is free")
      ->default_val(100)
      ->check(CLI::Range(1, 100000));
  command->add_option("--threads", options->threads, "threads to use")->default_val(1)->check(CLI::Range(1, 256));
  command->add_option("--json", options->json, "write the results as JSON to this file");
  command->callback([options] { evaluate(*options); });
}

}  // namespace vigil::cli

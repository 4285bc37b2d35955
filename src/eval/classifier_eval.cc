// SPDX-License-Identifier: Apache-2.0
// Batched classifier evaluation.
#include "eval/classifier_eval.h"

#include <algorithm>
#include <chrono>

namespace vigil {

namespace {

// The input shape for `count` images, following the model's declared input.
Shape batch_shape(const ValueInfo& input, int64_t count, int64_t rows, int64_t cols) {
  const size_t rank = input.has_shape ? input.dims.size() : 4;
  if (rank == 4) return {count, 1, rows, cols};
  if (rank == 3) return {count, rows, cols};
  check_input(rank == 2, "model input '", input.name, "' ", value_info_to_string(input),
              " is not an image batch ([N,1,H,W], [N,H,W] or [N,H*W])");
  return {count, rows * cols};
}

}  // namespace

Tensor classifier_image_batch(const ValueInfo& input, const IdxDataset& dataset, int64_t start, int64_t used,
                              int64_t batch) {
  const int64_t rows = dataset.images.dim(1), cols = dataset.images.dim(2);
  Tensor images(DType::Float32, batch_shape(input, batch, rows, cols));
  const uint8_t* pixels = dataset.images.data<uint8_t>() + start * rows * cols;
  float* data = images.data<float>();
  for (int64_t i = 0; i < used * rows * cols; ++i) data[i] = pixels[i] / 255.0f;
  return images;
}

ClassifierEvalResult evaluate_classifier(Session& session, const IdxDataset& dataset,
                                         const ClassifierEvalOptions& options) {
  const Graph& graph = session.graph();
  const std::string& path = session.model().path;
  check_input(graph.inputs.size() == 1, path, ": a classifier has one input, this model has ", graph.inputs.size());
  const ValueInfo& input = graph.inputs[0];
  check_input(input.dtype == DType::Float32, path, ": a classifier takes float32 images, input '", input.name, "' is ",
              dtype_name(input.dtype));
  ClassifierEvalResult result;
  result.batch = options.batch;
  if (input.has_shape && !input.dims.empty() && input.dims[0].is_fixed()) result.batch = input.dims[0].value;

  const int64_t available = dataset.images.dim(0);
  result.images = options.limit > 0 ? std::min(options.limit, available) : available;
  const std::vector<int64_t> labels = dataset.labels.to_int64_vector();

  for (int64_t start = 0; start < result.images; start += result.batch) {
    // A fixed batch dimension gets a zero-padded last batch whose padding is ignored.
    const int64_t used = std::min(result.batch, result.images - start);
    const Tensor images = classifier_image_batch(input, dataset, start, used, result.batch);
    const auto begin = std::chrono::steady_clock::now();
    const std::vector<Tensor> outputs = session.run({{input.name, images}});
    result.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
    const Tensor& scores = outputs.at(0);
    check_input(scores.rank() == 2 && scores.dim(0) == result.batch, path, ": first output ",
                shape_to_string(scores.shape()), " is not [batch, classes]");
    const std::vector<double> values = scores.to_double_vector();
    const int64_t classes = scores.dim(1);
    for (int64_t i = 0; i < used; ++i) {
      const int64_t label = labels[start + i];
      check_input(label >= 0 && label < classes, dataset.labels_path, ": label ", label, " of image ", start + i,
                  " is outside the model's ", classes, " classes");
      const double* row = values.data() + i * classes;
      const int64_t best = std::max_element(row, row + classes) - row;
      result.correct += best == labels[start + i];
    }
  }
  return result;
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Folds an inference-mode BatchNormalization into the Conv or Gemm before it (or a MatMul
// of a matrix by constant weights, which becomes a Gemm with the folded bias), when the
// weights and the statistics are constants and nothing else reads the product: with
// s = gamma / sqrt(var + eps) per output channel, W' = W * s and B' = (B - mean) * s + beta.
// The arithmetic is done in double; the new weights get new initializer names (the old
// ones may be shared with other nodes).
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

struct BatchNormScale {
  std::vector<double> scale, shift;  // y = x * scale + shift per channel
};

// The statistics of `bn` as a per-channel affine map over `channels` channels, if all are
// constant f32 vectors of that length and the node is in inference mode.
std::optional<BatchNormScale> batch_norm_scale(const Node& bn, const GraphIndex& index, int64_t channels) {
  if (bn.inputs.size() != 5 || bn.attributes.get_int("training_mode", 0) != 0) return std::nullopt;
  for (size_t o = 1; o < bn.outputs.size(); ++o) {
    if (!bn.outputs[o].empty() && (index.reader_count(bn.outputs[o]) > 0 || index.is_pinned(bn.outputs[o]))) {
      return std::nullopt;
    }
  }
  std::vector<std::vector<double>> params;
  for (size_t i = 1; i < 5; ++i) {
    const Tensor* tensor = index.constant(bn.inputs[i]);
    if (!tensor || tensor->dtype() != DType::Float32 || tensor->numel() != channels) return std::nullopt;
    params.push_back(tensor->to_double_vector());
  }
  const double epsilon = bn.attributes.get_float("epsilon", 1e-5f);
  BatchNormScale result;
  for (int64_t c = 0; c < channels; ++c) {
    const double scale = params[0][c] / std::sqrt(params[3][c] + epsilon);
    result.scale.push_back(scale);
    result.shift.push_back(params[1][c] - params[2][c] * scale);
  }
  return result;
}

Tensor to_f32(const Shape& shape, const std::vector<double>& values) {
  Tensor tensor(DType::Float32, shape);
  float* out = tensor.data<float>();
  for (size_t i = 0; i < values.size(); ++i) out[i] = static_cast<float>(values[i]);
  return tensor;
}

// The folded weights and bias of `producer` (Conv, Gemm, or MatMul as a Gemm) for `bn`; the node's new inputs
// and attributes are written into `folded`.
bool fold_into(Graph& graph, const GraphIndex& index, const Node& producer, const Node& bn, Node& folded) {
  const bool is_conv = producer.op_type == "Conv";
  const Tensor* weights = index.constant(producer.inputs[1]);
  if (!weights || weights->dtype() != DType::Float32 || weights->rank() < 2) return false;
  const bool trans_b = !is_conv && producer.attributes.get_int("transB", 0) != 0;
  if (!is_conv && weights->rank() != 2) return false;
  const int64_t channels = is_conv || trans_b ? weights->dim(0) : weights->dim(1);
  const std::optional<BatchNormScale> bn_scale = batch_norm_scale(bn, index, channels);
  if (!bn_scale) return false;

  // The product's bias as one value per channel (Gemm: C times beta, broadcast along rows).
  std::vector<double> bias(channels, 0.0);
  const std::string bias_name = producer.inputs.size() > 2 ? producer.inputs[2] : "";
  if (!bias_name.empty()) {
    const Tensor* b = index.constant(bias_name);
    if (!b || b->dtype() != DType::Float32) return false;
    const bool per_channel = b->numel() == channels && (b->rank() == 1 || (b->rank() == 2 && b->dim(0) == 1));
    if (!per_channel && b->numel() != 1) return false;
    const std::vector<double> values = b->to_double_vector();
    const double beta = is_conv ? 1.0 : producer.attributes.get_float("beta", 1.0f);
    for (int64_t c = 0; c < channels; ++c) bias[c] = beta * values[per_channel ? c : 0];
  }

  std::vector<double> w = weights->to_double_vector();
  const int64_t inner = static_cast<int64_t>(w.size()) / channels;
  for (int64_t i = 0; i < static_cast<int64_t>(w.size()); ++i) {
    // Conv and Gemm with transB keep channels outermost; plain Gemm weights are [K, N].
    const int64_t c = is_conv || trans_b ? i / inner : i % channels;
    w[i] *= bn_scale->scale[c];
  }
  for (int64_t c = 0; c < channels; ++c) bias[c] = bias[c] * bn_scale->scale[c] + bn_scale->shift[c];

  const std::string w_name = unique_value_name(graph, producer.inputs[1] + "_bn_folded");
  graph.initializers[w_name] = to_f32(weights->shape(), w);
  const std::string b_name = unique_value_name(graph, bn.outputs[0] + "_bn_bias");
  graph.initializers[b_name] = to_f32({channels}, bias);
  folded = producer;
  if (producer.op_type == "MatMul") folded.op_type = "Gemm";
  folded.inputs.resize(3);
  folded.inputs[1] = w_name;
  folded.inputs[2] = b_name;
  folded.outputs = {bn.outputs[0]};
  if (!is_conv) folded.attributes.set("beta", float_attribute(1.0f));
  return true;
}

bool fold_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& bn = graph.nodes[n];
  if (bn.op_type != "BatchNormalization" || !bn.domain.empty() || bn.inputs.empty()) return false;
  const Node* producer = index.producer(bn.inputs[0]);
  if (!producer || !producer->domain.empty() || producer->inputs.size() < 2) return false;
  // MatMul: only of a matrix, whose columns are BatchNormalization's channels.
  const std::optional<Shape> a_shape = index.shape(producer->inputs[0]);
  const bool matrix_product = producer->op_type == "MatMul" && a_shape && a_shape->size() == 2;
  if (producer->op_type != "Conv" && producer->op_type != "Gemm" && !matrix_product) return false;
  if (producer->outputs.size() != 1 || !index.is_private(bn.inputs[0])) return false;
  Node folded;
  if (!fold_into(graph, index, *producer, bn, folded)) return false;
  replace_nodes(graph, {node_position(graph, producer), n}, std::move(folded));
  return true;
}

}  // namespace

int fold_batch_norm(Graph& graph) { return rewrite_until_done(graph, fold_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// Layers from an ONNX model (workload.h): the shapes of Conv, Gemm, MatMul and pooling
// nodes, read from the graph's declared and inferred value shapes and its initializers.
// Nodes that do no multiply-accumulate work on an array (activations, reshapes, adds)
// are left out.
#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include "accel/workload.h"
#include "accel/yaml_fields.h"
#include "core/error.h"
#include "core/file_io.h"
#include "onnx_io/model_import.h"

namespace vigil::accel {

namespace {

using ShapeMap = std::map<std::string, Shape>;

ShapeMap known_shapes(const Graph& graph, int64_t batch) {
  ShapeMap shapes;
  for (const auto* list : {&graph.inputs, &graph.value_infos, &graph.outputs}) {
    for (const ValueInfo& info : *list) {
      if (!info.has_shape || info.kind != TypeKind::Tensor) continue;
      Shape shape;
      for (const vigil::Dim& dim : info.dims) shape.push_back(dim.is_fixed() ? dim.value : batch);
      shapes.emplace(info.name, shape);
    }
  }
  for (const auto& [name, tensor] : graph.initializers) shapes[name] = tensor.shape();
  return shapes;
}

const Shape& shape_of(const ShapeMap& shapes, const Node& node, size_t input, size_t rank) {
  check_input(input < node.inputs.size() && !node.inputs[input].empty(), node.describe(), ": input ", input,
              " is missing");
  auto found = shapes.find(node.inputs[input]);
  check_input(found != shapes.end(), node.describe(), ": the shape of input '", node.inputs[input],
              "' is unknown (shape inference did not reach it)");
  check_input(rank == 0 || found->second.size() == rank, node.describe(), ": input '", node.inputs[input],
              "' has rank ", found->second.size(), ", expected ", rank);
  return found->second;
}

int64_t window_output(const Node& node, int64_t in, int64_t kernel, int64_t stride, int64_t pad_sum) {
  const std::string auto_pad = node.attributes.get_string("auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") return (in + stride - 1) / stride;
  if (auto_pad == "VALID") return (in - kernel) / stride + 1;
  return (in + pad_sum - kernel) / stride + 1;
}

// Spatial fields of a 2-D window (Conv, pooling): R, S, P, Q and the strides.
void set_window(Layer& layer, const Node& node, const Shape& x, int64_t kh, int64_t kw) {
  const std::vector<int64_t> strides = node.attributes.get_ints("strides", {1, 1});
  const std::vector<int64_t> pads = node.attributes.get_ints("pads", {0, 0, 0, 0});
  const std::vector<int64_t> dilations = node.attributes.get_ints("dilations", {1, 1});
  check_input(strides.size() == 2 && pads.size() == 4, node.describe(), ": expected 2-D strides and pads");
  if (std::any_of(dilations.begin(), dilations.end(), [](int64_t d) { return d != 1; })) {
    fail_unsupported(node.describe(), ": dilated windows are not modelled");
  }
  layer.dims[static_cast<int>(Dim::R)] = kh;
  layer.dims[static_cast<int>(Dim::S)] = kw;
  layer.stride_h = strides[0];
  layer.stride_w = strides[1];
  layer.dims[static_cast<int>(Dim::P)] = window_output(node, x[2], kh, strides[0], pads[0] + pads[2]);
  layer.dims[static_cast<int>(Dim::Q)] = window_output(node, x[3], kw, strides[1], pads[1] + pads[3]);
}

void set(Layer& layer, Dim dim, int64_t value) { layer.dims[static_cast<int>(dim)] = value; }

std::optional<Layer> layer_of(const Node& node, const ShapeMap& shapes) {
  Layer layer;
  layer.name = node.name.empty() ? node.outputs.front() : node.name;
  layer.op = node.op_type;
  if (!node.domain.empty()) return std::nullopt;
  if (node.op_type == "Conv") {
    const Shape& x = shape_of(shapes, node, 0, 4);
    const Shape& w = shape_of(shapes, node, 1, 4);
    const int64_t group = node.attributes.get_int("group", 1);
    check_input(group >= 1 && x[1] % group == 0 && w[0] % group == 0, node.describe(), ": bad group ", group);
    set(layer, Dim::N, x[0]);
    set(layer, Dim::G, group);
    set(layer, Dim::K, w[0] / group);
    set(layer, Dim::C, w[1]);
    set_window(layer, node, x, w[2], w[3]);
  } else if (node.op_type == "MaxPool" || node.op_type == "AveragePool") {
    const Shape& x = shape_of(shapes, node, 0, 4);
    const std::vector<int64_t> kernel = node.attributes.get_ints("kernel_shape");
    check_input(kernel.size() == 2, node.describe(), ": expected a 2-D kernel_shape");
    set(layer, Dim::N, x[0]);
    set(layer, Dim::G, x[1]);  // one channel per group: pooling never mixes channels
    set_window(layer, node, x, kernel[0], kernel[1]);
  } else if (node.op_type == "GlobalAveragePool" || node.op_type == "GlobalMaxPool") {
    const Shape& x = shape_of(shapes, node, 0, 4);
    set(layer, Dim::N, x[0]);
    set(layer, Dim::G, x[1]);
    set(layer, Dim::R, x[2]);
    set(layer, Dim::S, x[3]);
  } else if (node.op_type == "Gemm") {
    const Shape& a = shape_of(shapes, node, 0, 2);
    const Shape& b = shape_of(shapes, node, 1, 2);
    const bool trans_a = node.attributes.get_int("transA", 0) != 0, trans_b = node.attributes.get_int("transB", 0) != 0;
    set(layer, Dim::N, trans_a ? a[1] : a[0]);
    set(layer, Dim::C, trans_a ? a[0] : a[1]);
    set(layer, Dim::K, trans_b ? b[0] : b[1]);
  } else if (node.op_type == "MatMul") {
    const Shape& a = shape_of(shapes, node, 0, 0);
    const Shape& b = shape_of(shapes, node, 1, 0);
    check_input(a.size() >= 2 && b.size() >= 2, node.describe(), ": MatMul of vectors is not modelled");
    int64_t a_batch = 1, b_batch = 1;
    for (size_t i = 0; i + 2 < a.size(); ++i) a_batch *= a[i];
    for (size_t i = 0; i + 2 < b.size(); ++i) b_batch *= b[i];
    // A shared 2-D right operand is one matrix product with the batch folded into its
    // rows; a batched one is a group per matrix.
    set(layer, Dim::G, b_batch);
    set(layer, Dim::N, b_batch == 1 ? a_batch * a[a.size() - 2] : a[a.size() - 2]);
    set(layer, Dim::C, a.back());
    set(layer, Dim::K, b.back());
  } else {
    return std::nullopt;
  }
  check_layer(layer, node.describe());
  return layer;
}

}  // namespace

Workload workload_from_model(const Model& model, int64_t batch) {
  check_input(batch >= 1, "--batch must be at least 1");
  const ShapeMap shapes = known_shapes(model.graph, batch);
  Workload workload;
  workload.source = model.path;
  for (const Node& node : model.graph.nodes) {
    if (std::optional<Layer> layer = layer_of(node, shapes)) workload.layers.push_back(std::move(*layer));
  }
  check_input(!workload.layers.empty(), model.path, ": no Conv, Gemm, MatMul or pooling layer to model");
  return workload;
}

Workload load_workload(const std::string& path, int64_t batch) {
  if (std::filesystem::path(path).extension() == ".onnx") return workload_from_model(*load_model(path), batch);
  return parse_workload_yaml(read_file(path, kMaxYamlBytes), path);
}

}  // namespace vigil::accel

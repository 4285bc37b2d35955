// SPDX-License-Identifier: Apache-2.0
// Constant folding: runs constant subgraphs once, at session creation.
#include "runtime/constant_folding.h"

#include <algorithm>
#include <new>
#include <set>

#include "core/log.h"
#include "graph/passes/pass.h"
#include "ops/registry.h"
#include "runtime/value_ops/value_operator.h"

namespace vigil {

namespace {

constexpr size_t kFoldedBytesAlwaysAllowed = size_t{1} << 20;

bool is_onnx_dequantize(const Node& node) { return node.domain.empty() && node.op_type == "DequantizeLinear"; }

bool never_folded(const Node& node) {
  static const std::set<std::string> random = {"RandomNormal",      "RandomUniform", "RandomNormalLike",
                                               "RandomUniformLike", "Multinomial",   "Bernoulli"};
  if (node.domain.empty() && random.count(node.op_type)) return true;
  for (const auto& [name, attribute] : node.attributes.all()) {
    if (attribute.type == AttributeType::Graph || attribute.type == AttributeType::Graphs) return true;
  }
  return find_value_operator_factory(node) != nullptr;
}

// Shape(x) from x's known shape, honouring start and end (opset 15).
std::optional<Tensor> known_shape_of(const Node& node, const passes::GraphIndex& index) {
  if (!node.domain.empty() || node.op_type != "Shape" || node.inputs.size() != 1) return std::nullopt;
  const std::optional<Shape> shape = index.shape(node.inputs[0]);
  if (!shape) return std::nullopt;
  const int64_t rank = static_cast<int64_t>(shape->size());
  auto clamp = [rank](int64_t axis) { return std::clamp(axis < 0 ? axis + rank : axis, int64_t{0}, rank); };
  const int64_t start = clamp(node.attributes.get_int("start", 0));
  const int64_t end = std::max(start, clamp(node.attributes.get_int("end", rank)));
  return Tensor::from_vector<int64_t>({end - start},
                                      std::vector<int64_t>(shape->begin() + start, shape->begin() + end));
}

// The node's outputs computed by its operator on its constant inputs; empty if it cannot
// or should not be folded.
std::vector<Tensor> run_on_constants(const Node& node, const passes::GraphIndex& index, const Model& model) {
  const OpFactory factory = OpRegistry::instance().find(node.domain, node.op_type);
  if (!factory || never_folded(node)) return {};
  OpInputs inputs;
  size_t input_bytes = 0;
  for (const std::string& name : node.inputs) {
    const Tensor* constant = name.empty() ? nullptr : index.constant(name);
    if (!name.empty() && !constant) return {};
    if (constant) input_bytes += constant->dtype() == DType::String ? 0 : constant->nbytes();
    inputs.push_back(constant);
  }
  auto find_constant = [&](const std::string& name) -> const Tensor* { return index.constant(name); };
  OpOutputs outputs(node.outputs.size());
  try {
    OpCreateInfo info{node, model.opset_for(node.domain), &model, find_constant, 1};
    factory(info)->run(inputs, outputs);
  } catch (const Error& e) {
    log_debug("constant folding: ", node.describe(), " left to run time: ", e.what());
    return {};
  } catch (const std::bad_alloc&) {
    return {};
  }
  size_t output_bytes = 0;
  for (size_t o = 0; o < outputs.size(); ++o) {
    if (!node.outputs[o].empty() && outputs[o].empty()) return {};
    if (!outputs[o].empty() && outputs[o].dtype() != DType::String) output_bytes += outputs[o].nbytes();
  }
  // A Constant only moves its value; anything else may not grow the model much.
  const bool is_constant = node.domain.empty() && node.op_type == "Constant";
  if (!is_constant && output_bytes > std::max(input_bytes, kFoldedBytesAlwaysAllowed)) return {};
  return outputs;
}

int fold(Graph& graph, const Model& model, bool keep_dequantize) {
  std::set<std::string> graph_outputs;
  for (const ValueInfo& output : graph.outputs) graph_outputs.insert(output.name);
  const passes::GraphIndex index(graph);  // constants and shapes read the live initializers
  std::vector<bool> folded(graph.nodes.size(), false);
  int count = 0;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    const Node& node = graph.nodes[n];
    bool writes_graph_output = node.outputs.empty();
    for (const std::string& output : node.outputs) writes_graph_output |= graph_outputs.count(output) != 0;
    if (writes_graph_output || (keep_dequantize && is_onnx_dequantize(node))) continue;
    std::vector<Tensor> outputs;
    if (std::optional<Tensor> shape = known_shape_of(node, index)) {
      outputs.push_back(std::move(*shape));
    } else {
      outputs = run_on_constants(node, index, model);
    }
    if (outputs.empty()) continue;
    for (size_t o = 0; o < node.outputs.size(); ++o) {
      if (!node.outputs[o].empty()) graph.initializers[node.outputs[o]] = std::move(outputs[o]);
    }
    folded[n] = true;
    ++count;
  }
  size_t kept = 0;
  for (size_t n = 0; n < graph.nodes.size(); ++n) {
    if (folded[n]) continue;
    if (kept != n) graph.nodes[kept] = std::move(graph.nodes[n]);
    ++kept;
  }
  graph.nodes.resize(kept);
  return count;
}

}  // namespace

int fold_constants(Graph& graph, const Model& model) { return fold(graph, model, false); }

int fold_constants_but_dequantize(Graph& graph, const Model& model) { return fold(graph, model, true); }

}  // namespace vigil

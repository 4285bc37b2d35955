// SPDX-License-Identifier: Apache-2.0
// The helpers of the graph-pass tests: build a small model node by node (with known shapes
// in value_infos, as import-time shape inference leaves them), count node types after a
// pass, and compare what a session computes with and without the optimisation passes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "ops/registry.h"
#include "runtime/session.h"

namespace vigil::testing {

class ModelBuilder {
 public:
  explicit ModelBuilder(int64_t opset = 13) : model_(std::make_shared<Model>()) { model_->opsets[""] = opset; }

  ModelBuilder& input(const std::string& name, const Shape& shape) {
    model_->graph.inputs.push_back(info(name, shape));
    return *this;
  }
  ModelBuilder& output(const std::string& name, const Shape& shape) {
    model_->graph.outputs.push_back(info(name, shape));
    return *this;
  }
  // A known intermediate shape.
  ModelBuilder& shape(const std::string& name, const Shape& shape) {
    model_->graph.value_infos.push_back(info(name, shape));
    return *this;
  }
  ModelBuilder& constant(const std::string& name, const Tensor& value) {
    model_->graph.initializers[name] = value;
    return *this;
  }
  // A constant of `shape` with seeded values in [low, high).
  ModelBuilder& random_constant(const std::string& name, const Shape& shape, float low = -1, float high = 1) {
    return constant(name, random_tensor(shape, low, high, name.size() * 7919 + shape.size()));
  }
  Node& node(const std::string& op_type, std::vector<std::string> inputs, std::vector<std::string> outputs,
             const std::string& domain = "") {
    Node node;
    node.name = op_type + "_" + std::to_string(model_->graph.nodes.size());
    node.op_type = op_type;
    node.domain = domain;
    node.inputs = std::move(inputs);
    node.outputs = std::move(outputs);
    model_->graph.nodes.push_back(std::move(node));
    return model_->graph.nodes.back();
  }
  // The model being built (opset imports, ...).
  Model& model() { return *model_; }
  std::shared_ptr<Model> build() {
    model_->graph.validate_and_sort();
    return model_;
  }

  static Tensor random_tensor(const Shape& shape, float low, float high, uint64_t seed) {
    Tensor tensor(DType::Float32, shape);
    std::mt19937_64 generator(seed);
    std::uniform_real_distribution<float> distribution(low, high);
    for (int64_t i = 0; i < tensor.numel(); ++i) tensor.data<float>()[i] = distribution(generator);
    return tensor;
  }

 private:
  static ValueInfo info(const std::string& name, const Shape& shape) {
    ValueInfo value{name, DType::Float32, true, {}};
    for (int64_t d : shape) value.dims.push_back(Dim{d, ""});
    return value;
  }
  std::shared_ptr<Model> model_;
};

inline Attribute ints_attribute(std::vector<int64_t> values) {
  Attribute a;
  a.type = AttributeType::Ints;
  a.ints = std::move(values);
  return a;
}

inline Attribute int_attribute(int64_t value) {
  Attribute a;
  a.type = AttributeType::Int;
  a.i = value;
  return a;
}

// The op_type of every node, in graph order.
inline std::vector<std::string> op_types(const Graph& graph) {
  std::vector<std::string> ops;
  for (const Node& node : graph.nodes) ops.push_back(node.op_type);
  return ops;
}

inline int count_ops(const Graph& graph, const std::string& op_type) {
  return static_cast<int>(
      std::count_if(graph.nodes.begin(), graph.nodes.end(), [&](const Node& node) { return node.op_type == op_type; }));
}

inline bool fused_operator_registered(const std::string& op_type) {
  return OpRegistry::instance().find("vigil", op_type) != nullptr;
}

// The largest absolute difference between the outputs of `model` run with and without
// the optimisation passes on `feeds`; also checks that the optimised session's graph has
// `expected_nodes` nodes when that is not negative.
inline double optimized_max_difference(const std::shared_ptr<Model>& model, const std::map<std::string, Tensor>& feeds,
                                       int expected_nodes = -1) {
  Session plain(model, SessionOptions{1, false});
  Session optimized(model, SessionOptions{1, true});
  if (expected_nodes >= 0) {
    EXPECT_EQ(static_cast<int>(optimized.graph().nodes.size()), expected_nodes);
  }
  const std::vector<Tensor> expected = plain.run(feeds), actual = optimized.run(feeds);
  double difference = 0;
  EXPECT_EQ(expected.size(), actual.size());
  for (size_t o = 0; o < expected.size() && o < actual.size(); ++o) {
    EXPECT_EQ(expected[o].shape(), actual[o].shape());
    const std::vector<double> e = expected[o].to_double_vector(), a = actual[o].to_double_vector();
    for (size_t i = 0; i < e.size() && i < a.size(); ++i) difference = std::max(difference, std::abs(e[i] - a[i]));
  }
  std::printf("  max |optimised - plain| = %.3g\n", difference);
  return difference;
}

}  // namespace vigil::testing

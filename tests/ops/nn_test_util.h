// Helpers of the convolution, pooling, normalization, matrix and softmax operator tests:
// run one default-domain operator through the registry as a session would, with
// attributes built in one line, and read float outputs back as vectors.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"
#include "ops/registry.h"

namespace vigil::nn_testing {

inline Attribute ints(std::vector<int64_t> values) {
  Attribute a;
  a.type = AttributeType::Ints;
  a.ints = std::move(values);
  return a;
}
inline Attribute integer(int64_t value) {
  Attribute a;
  a.type = AttributeType::Int;
  a.i = value;
  return a;
}
inline Attribute real(float value) {
  Attribute a;
  a.type = AttributeType::Float;
  a.f = value;
  return a;
}
inline Attribute text(std::string value) {
  Attribute a;
  a.type = AttributeType::String;
  a.s = std::move(value);
  return a;
}

using AttributeList = std::vector<std::pair<std::string, Attribute>>;

// Runs op_type at `opset` on the inputs (an empty Tensor is an omitted input) and returns
// its `outputs` outputs.
inline std::vector<Tensor> run(const std::string& op_type, const std::vector<Tensor>& inputs,
                               const AttributeList& attributes = {}, int64_t opset = 17, size_t outputs = 1,
                               int threads = 1) {
  Node node;
  node.name = "test";
  node.op_type = op_type;
  node.attributes.set_owner(node.describe());
  for (const auto& [name, value] : attributes) node.attributes.set(name, value);
  const OpFactory factory = OpRegistry::instance().find("", op_type);
  if (!factory) fail_internal("operator ", op_type, " is not registered");
  OpCreateInfo info{node, opset, nullptr, [](const std::string&) -> const Tensor* { return nullptr; }, threads};
  auto op = factory(info);
  OpInputs in;
  for (const Tensor& t : inputs) in.push_back(t.empty() ? nullptr : &t);
  OpOutputs out(outputs);
  op->run(in, out);
  return out;
}

inline Tensor floats(Shape shape, std::vector<float> values) { return Tensor::from_vector<float>(std::move(shape), values); }

template <class T = float>
std::vector<T> values(const Tensor& t) {
  return std::vector<T>(t.data<T>(), t.data<T>() + t.numel());
}

// Element-wise closeness of float results, with the sizes compared first.
inline void expect_near(const std::vector<float>& actual, const std::vector<float>& expected,
                        float tolerance = 1e-5f) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < actual.size(); ++i) EXPECT_NEAR(actual[i], expected[i], tolerance) << "element " << i;
}

}  // namespace vigil::nn_testing

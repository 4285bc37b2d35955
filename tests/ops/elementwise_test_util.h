// Helpers of the elementwise operator tests: run one operator of the default domain
// through the registry, as a session would, and read tensors back as vectors.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/graph.h"
#include "ops/registry.h"

namespace vigil::testing {

inline Attribute float_attribute(float value) {
  Attribute a;
  a.type = AttributeType::Float;
  a.f = value;
  return a;
}

inline Attribute int_attribute(int64_t value) {
  Attribute a;
  a.type = AttributeType::Int;
  a.i = value;
  return a;
}

inline Attribute string_attribute(std::string value) {
  Attribute a;
  a.type = AttributeType::String;
  a.s = std::move(value);
  return a;
}

struct OpCall {
  std::string op_type;
  std::vector<std::pair<std::string, Attribute>> attributes = {};
  int64_t opset = 17;
  size_t outputs = 1;
};

// Runs the operator on the inputs (an empty Tensor is an omitted input); all outputs.
inline std::vector<Tensor> run_op(const OpCall& call, const std::vector<Tensor>& inputs) {
  Node node;
  node.name = "test";
  node.op_type = call.op_type;
  node.attributes.set_owner(node.describe());
  for (const auto& [name, value] : call.attributes) node.attributes.set(name, value);
  const OpFactory factory = OpRegistry::instance().find("", call.op_type);
  if (!factory) fail_internal("operator ", call.op_type, " is not registered");
  OpCreateInfo info{node, call.opset, nullptr, [](const std::string&) -> const Tensor* { return nullptr; }, 1};
  auto op = factory(info);
  OpInputs in;
  for (const Tensor& t : inputs) in.push_back(t.empty() ? nullptr : &t);
  OpOutputs out(call.outputs);
  op->run(in, out);
  return out;
}

inline Tensor run_one(const OpCall& call, const std::vector<Tensor>& inputs) { return run_op(call, inputs).at(0); }

template <class T>
std::vector<T> values(const Tensor& tensor) {
  const T* data = tensor.data<T>();
  return std::vector<T>(data, data + tensor.numel());
}

// An Error's kind, or nothing thrown.
inline std::optional<ErrorKind> error_kind(const OpCall& call, const std::vector<Tensor>& inputs) {
  try {
    run_op(call, inputs);
  } catch (const Error& e) {
    return e.kind();
  }
  return std::nullopt;
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Node attributes: ONNX's kinds (float, int, string, tensor, graph and the list of
// each, and a type, which Optional uses). Operators read them with typed getters that take a default, or with the
// require_ getters that raise a bad-input Error naming the node.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vigil {

struct Graph;
struct ValueInfo;

enum class AttributeType { Float, Int, String, Tensor, Graph, Floats, Ints, Strings, Tensors, Graphs, Type };

struct Attribute {
  AttributeType type = AttributeType::Int;
  float f = 0;
  int64_t i = 0;
  std::string s;
  Tensor t;
  std::shared_ptr<const Graph> g;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<Tensor> tensors;
  std::vector<std::shared_ptr<const Graph>> graphs;
  std::shared_ptr<const ValueInfo> type_info;  // AttributeType::Type
};

std::string attribute_type_name(AttributeType type);

class Attributes {
 public:
  // `owner` names the node in error messages.
  void set_owner(std::string owner) { owner_ = std::move(owner); }
  void set(const std::string& name, Attribute value) { values_[name] = std::move(value); }
  bool has(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, Attribute>& all() const { return values_; }

  float get_float(const std::string& name, float fallback) const;
  int64_t get_int(const std::string& name, int64_t fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  std::vector<float> get_floats(const std::string& name, std::vector<float> fallback = {}) const;
  std::vector<int64_t> get_ints(const std::string& name, std::vector<int64_t> fallback = {}) const;
  std::vector<std::string> get_strings(const std::string& name, std::vector<std::string> fallback = {}) const;

  const Attribute& require(const std::string& name, AttributeType type) const;
  int64_t require_int(const std::string& name) const { return require(name, AttributeType::Int).i; }
  const Tensor& require_tensor(const std::string& name) const { return require(name, AttributeType::Tensor).t; }
  const Graph& require_graph(const std::string& name) const { return *require(name, AttributeType::Graph).g; }

 private:
  const Attribute* find(const std::string& name, AttributeType type) const;
  std::string owner_;
  std::map<std::string, Attribute> values_;
};

}  // namespace vigil

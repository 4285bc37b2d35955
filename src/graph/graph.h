// SPDX-License-Identifier: Apache-2.0
// The graph IR: nodes that name their input and output values, typed graph inputs and
// outputs (dimensions may be symbolic), initializers, and the opsets the model imports.
// onnx/ builds it from a file; runtime/ compiles it into a session. A validated graph
// has its nodes in topological order.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "graph/attribute.h"

namespace vigil {

// One dimension of a declared shape: a number, a symbol ("batch"), or unknown.
struct Dim {
  int64_t value = -1;  // -1: not a fixed number
  std::string symbol;  // set when the dimension is named
  bool is_fixed() const { return value >= 0; }
};

// What a declared value holds: a tensor, a sequence of tensors (dtype and dims then
// describe the elements), or a type vigil does not run (maps, nested sequences).
enum class TypeKind { Tensor, Sequence, Other };

struct ValueInfo {
  std::string name;
  DType dtype = DType::Undefined;
  bool has_shape = false;  // false: the rank too is unknown
  std::vector<Dim> dims;
  TypeKind kind = TypeKind::Tensor;
  bool optional = false;  // an optional of `kind`
};

std::string value_info_to_string(const ValueInfo& info);  // "float32[batch, 1, 28, 28]", "optional<sequence<int64[?]>>"

struct Node {
  std::string name;
  std::string op_type;
  std::string domain;                // "" for the default ONNX domain
  std::vector<std::string> inputs;   // "" marks an omitted optional input
  std::vector<std::string> outputs;  // "" marks an unused optional output
  Attributes attributes;

  // "node 'conv1' (Conv)", for messages.
  std::string describe() const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<ValueInfo> inputs;  // excludes names that only hold initializers
  std::vector<ValueInfo> outputs;
  std::vector<ValueInfo> value_infos;  // shapes of intermediate values, when known
  std::map<std::string, Tensor> initializers;
  // Initializers the model also lists among its inputs: ONNX makes their values defaults
  // that a caller may replace (before a session is made from the graph).
  std::set<std::string> overridable_initializers;

  // Puts nodes in topological order and checks that every input a node reads is
  // produced by a node, a graph input, an initializer or (for a subgraph) one of
  // `outer_scope`; that each value has one producer; that there is no cycle. A bad-input
  // Error names the offending node and value.
  void validate_and_sort(const std::vector<std::string>& outer_scope = {});
};

// The values that the subgraphs of `node` (If branches, Loop and Scan bodies, at any
// depth) read from the node's own scope, sorted by name. A session passes them to the
// node as extra inputs after its declared ones.
std::vector<std::string> node_outer_values(const Node& node);  // excludes ""

struct Model {
  std::string path;  // the file it came from, for messages
  int64_t ir_version = 0;
  std::string producer;
  std::map<std::string, int64_t> opsets;  // domain ("" for ONNX) -> version
  Graph graph;

  // The opset version imported for a node's domain ("ai.onnx" counts as "").
  int64_t opset_for(const std::string& domain) const;
};

}  // namespace vigil

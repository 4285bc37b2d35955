// SPDX-License-Identifier: Apache-2.0
// The framework of the graph optimisation passes: pure rewrites of a validated main graph
// (nodes in topological order) that runtime/graph_optimizer.cc runs in sequence before a
// session compiles the graph. A pass looks at the graph through a GraphIndex (who produces
// and who reads each value, which names must stay, constants, known shapes), matches a
// pattern at one node, and replaces the matched nodes by fewer ones. Graph outputs keep
// their names; subgraph bodies are never touched. Passes below know nothing of operators:
// constant folding, which runs them, lives in runtime/.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/shape.h"
#include "graph/graph.h"

namespace vigil::passes {

class GraphIndex {
 public:
  explicit GraphIndex(const Graph& graph);

  // The node that writes `value`, or nullptr (graph input, initializer, "").
  const Node* producer(const std::string& value) const;
  // How many node inputs read `value` (a node reading it twice counts twice), not
  // counting reads by subgraphs, which pin it instead.
  int reader_count(const std::string& value) const;
  // The node indices that read `value`, once each, in graph order.
  std::vector<size_t> readers(const std::string& value) const;
  // A graph output, or read by a subgraph: its name must survive every rewrite.
  bool is_pinned(const std::string& value) const { return pinned_.count(value) != 0; }
  // Read by exactly one node input and not pinned: an intermediate a fusion may swallow.
  bool is_private(const std::string& value) const { return !is_pinned(value) && reader_count(value) == 1; }
  // The initializer named `value` when a feed cannot override it (it is not also a graph
  // input); nullptr otherwise.
  const Tensor* constant(const std::string& value) const;
  // The shape of `value` when every dimension is a fixed number: from constants, graph
  // inputs and outputs, and value_infos (import-time shape inference fills those).
  std::optional<Shape> shape(const std::string& value) const;
  // The element type of `value` when a constant or a declared type gives it, or when it
  // follows through operators whose output has their first input's type (arithmetic,
  // activations, MatMul, Conv, data movement).
  DType dtype(const std::string& value) const;

 private:
  const Graph& graph_;
  std::map<std::string, size_t> producer_;
  std::map<std::string, std::vector<size_t>> readers_;
  std::map<std::string, int> read_count_;
  std::set<std::string> pinned_;
  std::map<std::string, const ValueInfo*> infos_;
  std::set<std::string> feedable_;
  std::map<std::string, DType> propagated_dtypes_;
};

// A pass's rewrite attempt at node `index`: returns true if it changed the graph.
using RewriteAt = std::function<bool(Graph& graph, const GraphIndex& index, size_t node)>;

// Tries `rewrite` at every node, rebuilding the index after each change, until no node
// matches; returns the number of rewrites.
int rewrite_until_done(Graph& graph, const RewriteAt& rewrite);

// Replaces the nodes at `indices` (a matched pattern) by `replacement`, which takes the
// place of the last of them: its inputs are then all computed before it.
void replace_nodes(Graph& graph, std::vector<size_t> indices, Node replacement);

// Every node input reading `from` reads `to` instead.
void replace_uses(Graph& graph, const std::string& from, const std::string& to);

// A value name that no node, input or initializer of `graph` uses yet, built from `base`.
std::string unique_value_name(const Graph& graph, const std::string& base);

// Both values are constants holding the same tensor (names may differ).
bool same_constant(const GraphIndex& index, const std::string& a, const std::string& b);

// The number a constant holds when it has exactly one element of a numeric type.
std::optional<double> scalar_constant(const GraphIndex& index, const std::string& value);

// An attribute of one value, for the nodes the passes build.
Attribute float_attribute(float value);
Attribute floats_attribute(std::vector<float> values);
Attribute string_attribute(std::string value);

// A node of the default ONNX domain with this op_type.
inline bool is_onnx(const Node& node, const char* op_type) { return node.domain.empty() && node.op_type == op_type; }

// The one node reading `value` when `value` is private to it (GraphIndex::is_private),
// else nullptr; with `op_type`, only a single-output ONNX node of that type.
const Node* only_reader(const Graph& graph, const GraphIndex& index, const std::string& value,
                        const char* op_type = nullptr);

// The index of `node` in graph.nodes (it must be one of them).
size_t node_position(const Graph& graph, const Node* node);

// The operand of a two-input node other than `value` ("" if `value` is not one of them).
std::string other_input(const Node& node, const std::string& value);

// After the passes: drops value_infos of names no node writes any more, and initializers
// nothing reads (folded weights, folded constants) unless a feed may override them.
void remove_dead_values(Graph& graph);

}  // namespace vigil::passes

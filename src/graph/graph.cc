// SPDX-License-Identifier: Apache-2.0
// Graph validation and topological ordering (Kahn's algorithm, keeping file order where it can).
#include "graph/graph.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <set>
#include <unordered_map>

#include "core/error.h"

namespace vigil {

namespace {
std::string tensor_type_to_string(const ValueInfo& info) {
  std::string text = dtype_name(info.dtype);
  if (!info.has_shape) return text + "[?]";
  text += "[";
  for (size_t i = 0; i < info.dims.size(); ++i) {
    if (i) text += ", ";
    const Dim& dim = info.dims[i];
    text += dim.is_fixed() ? std::to_string(dim.value) : (dim.symbol.empty() ? "?" : dim.symbol);
  }
  return text + "]";
}
}  // namespace

std::string value_info_to_string(const ValueInfo& info) {
  std::string text;
  switch (info.kind) {
    case TypeKind::Tensor: text = tensor_type_to_string(info); break;
    case TypeKind::Sequence: text = "sequence<" + tensor_type_to_string(info) + ">"; break;
    case TypeKind::Other: text = "unsupported type"; break;
  }
  return info.optional ? "optional<" + text + ">" : text;
}

std::string Node::describe() const {
  std::string text = "node '" + (name.empty() ? (outputs.empty() ? op_type : outputs[0]) : name) + "' (";
  if (!domain.empty() && domain != "ai.onnx") text += domain + ".";
  return text + op_type + ")";
}

void Graph::validate_and_sort(const std::vector<std::string>& outer_scope) {
  std::unordered_map<std::string, size_t> producer;  // value -> node index
  std::set<std::string> available(outer_scope.begin(), outer_scope.end());
  for (const ValueInfo& input : inputs) available.insert(input.name);
  for (const auto& [name, tensor] : initializers) available.insert(name);

  for (size_t n = 0; n < nodes.size(); ++n) {
    for (const std::string& output : nodes[n].outputs) {
      if (output.empty()) continue;
      auto [it, inserted] = producer.try_emplace(output, n);
      if (!inserted) {
        fail_bad_input(nodes[n].describe(), ": value '", output, "' is already produced by ",
                       nodes[it->second].describe());
      }
    }
  }

  // Kahn's algorithm over node dependencies.
  std::vector<std::vector<size_t>> consumers(nodes.size());
  std::vector<size_t> pending(nodes.size(), 0);
  for (size_t n = 0; n < nodes.size(); ++n) {
    std::set<size_t> depends_on;
    for (const std::string& input : nodes[n].inputs) {
      if (input.empty()) continue;
      auto it = producer.find(input);
      if (it != producer.end()) {
        depends_on.insert(it->second);
      } else {
        check_input(available.count(input), nodes[n].describe(), ": input '", input,
                    "' is not produced by any node, graph input or initializer");
      }
    }
    for (size_t d : depends_on) consumers[d].push_back(n);
    pending[n] = depends_on.size();
  }
  // The ready node that comes first in the file goes first: a graph already in order keeps it.
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t n = 0; n < nodes.size(); ++n) {
    if (pending[n] == 0) ready.push(n);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    const size_t n = ready.top();
    ready.pop();
    order.push_back(n);
    for (size_t c : consumers[n]) {
      if (--pending[c] == 0) ready.push(c);
    }
  }
  if (order.size() != nodes.size()) {
    for (size_t n = 0; n < nodes.size(); ++n) {
      check_input(pending[n] == 0, "the graph has a cycle through ", nodes[n].describe());
    }
  }
  std::vector<Node> sorted;
  sorted.reserve(nodes.size());
  for (size_t n : order) sorted.push_back(std::move(nodes[n]));
  nodes = std::move(sorted);

  for (const ValueInfo& output : outputs) {
    check_input(producer.count(output.name) || available.count(output.name), "graph output '", output.name,
                "' is not produced by any node, graph input or initializer");
  }
}

namespace {

// Adds to `used` the names `graph` reads without defining them, given the names already
// `defined` around it.
void collect_free_values(const Graph& graph, std::set<std::string> defined, std::set<std::string>& used) {
  for (const ValueInfo& input : graph.inputs) defined.insert(input.name);
  for (const auto& [name, tensor] : graph.initializers) defined.insert(name);
  for (const Node& node : graph.nodes) {
    for (const std::string& output : node.outputs) defined.insert(output);
  }
  for (const Node& node : graph.nodes) {
    for (const std::string& input : node.inputs) {
      if (!input.empty() && !defined.count(input)) used.insert(input);
    }
    for (const std::string& name : node_outer_values(node)) {
      if (!defined.count(name)) used.insert(name);
    }
  }
}

}  // namespace

std::vector<std::string> node_outer_values(const Node& node) {
  std::set<std::string> used;
  for (const auto& [name, attribute] : node.attributes.all()) {
    std::vector<std::shared_ptr<const Graph>> subgraphs = attribute.graphs;
    if (attribute.g) subgraphs.push_back(attribute.g);
    for (const auto& subgraph : subgraphs) collect_free_values(*subgraph, {}, used);
  }
  std::vector<std::string> names(used.begin(), used.end());
  names.erase(std::remove(names.begin(), names.end(), std::string()), names.end());
  return names;
}

int64_t Model::opset_for(const std::string& domain) const {
  const std::string key = domain == "ai.onnx" ? "" : domain;
  auto it = opsets.find(key);
  return it == opsets.end() ? 0 : it->second;
}

}  // namespace vigil

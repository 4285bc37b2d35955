// SPDX-License-Identifier: Apache-2.0
// A subgraph that an operator runs (If branches, Loop, Scan and SequenceMap bodies):
// a validated copy of the graph and a session over it. The node passes the values its
// body reads from the enclosing scope as extra inputs after its declared ones (see
// node_outer_values); run() forwards them to the body.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "runtime/session.h"
#include "runtime/value_ops/value_operator.h"

namespace vigil {

class Body {
 public:
  Body(const Graph& graph, const OpCreateInfo& info);

  const Graph& graph() const { return graph_; }

  // `declared_feeds` are the body's declared inputs in order; the outer values are the
  // node's inputs from `first_outer` on.
  std::vector<Value> run(const std::vector<Value>& declared_feeds, const ValueInputs& node_inputs, size_t first_outer);

 private:
  Graph graph_;
  std::vector<std::string> outer_;  // the node's outer values, in node-input order
  std::unique_ptr<Session> session_;
};

}  // namespace vigil

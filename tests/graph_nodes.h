// SPDX-License-Identifier: Apache-2.0
// Small graphs built in code for the tests: a node of the default domain, named after its
// first output, and an attribute holding integers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "graph/graph.h"

namespace vigil::testing {

inline Node node(std::string op, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  Node n;
  n.name = outputs.at(0);
  n.op_type = std::move(op);
  n.inputs = std::move(inputs);
  n.outputs = std::move(outputs);
  return n;
}

inline Attribute ints(std::vector<int64_t> values) {
  Attribute a;
  a.type = AttributeType::Ints;
  a.ints = std::move(values);
  return a;
}

}  // namespace vigil::testing

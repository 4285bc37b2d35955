// SPDX-License-Identifier: Apache-2.0
// Small graphs built in code for the tests: a node of the default domain, named after its
// first output, an attribute holding integers, and a 2-D Conv.
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

// Conv of x by w: square stride, padding and dilation, `group` groups.
inline Node conv(const std::string& x, const std::string& w, const std::string& y, int64_t stride, int64_t pad,
                 int64_t dilation = 1, int64_t group = 1) {
  Node n = node("Conv", {x, w}, {y});
  n.attributes.set_owner(n.describe());
  n.attributes.set("strides", ints({stride, stride}));
  n.attributes.set("pads", ints({pad, pad, pad, pad}));
  n.attributes.set("dilations", ints({dilation, dilation}));
  Attribute g;
  g.type = AttributeType::Int;
  g.i = group;
  n.attributes.set("group", g);
  return n;
}

}  // namespace vigil::testing

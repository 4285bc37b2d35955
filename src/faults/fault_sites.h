// SPDX-License-Identifier: Apache-2.0
// Where a campaign may put its faults: the outputs of nodes, the weights a session runs
// with, the model's inputs, or the int32 accumulators inside the int8 GEMMs. A filter
// picks sites by node name (a regular expression over the whole name) and operator type;
// the targets it selects, each with its element count and type, are the population a
// campaign samples from. Weights are the initializers of the graph the session runs:
// with the graph passes on, a Conv's weights after BatchNorm folding (`--no-optimize`
// corrupts those stored in the file).
#pragma once

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "runtime/session.h"

namespace vigil::faults {

enum class SiteKind { Output, Weight, Input, Accumulator };

const char* site_kind_name(SiteKind kind);  // "outputs", "weights", "inputs", "accumulators"
SiteKind parse_site_kind(const std::string& name);

struct SiteFilter {
  SiteKind kind = SiteKind::Output;
  std::string node_pattern;  // ECMAScript regex matching a whole node name; empty: any
  std::string op_type;       // empty: any
};

struct FaultTarget {
  SiteKind kind = SiteKind::Output;
  std::string tensor;  // the corrupted value: a node output, an initializer, a graph input
  std::string node;    // the node it belongs to (a weight's or input's first reader)
  std::string op_type;
  // The steps a fault here must run: the producing step (outputs, accumulators) or every
  // step that reads the weight; none for an input.
  std::vector<size_t> steps;
  int output = 0;  // outputs: which output of the step
  DType dtype = DType::Undefined;
  int64_t elements = 0;
};

// The regular expression of --node (any name when empty); a bad-input Error naming the
// flag when it is not one.
std::regex node_regex(const std::string& pattern);

// The targets a filter selects, in execution order; a bad-input Error when none does or
// the pattern is not a regular expression. The trace supplies the shapes; counting
// accumulators runs the session once more.
std::vector<FaultTarget> find_fault_targets(Session& session, const Session::Trace& trace, const SiteFilter& filter);

}  // namespace vigil::faults

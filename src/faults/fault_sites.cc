// SPDX-License-Identifier: Apache-2.0
// Site discovery: walking the session's steps against the filter.
#include "faults/fault_sites.h"

#include <algorithm>
#include <regex>

#include "core/error.h"
#include "faults/accumulator_tap.h"
#include "faults/fault_model.h"
#include "faults/name_table.h"

namespace vigil::faults {

namespace {

constexpr NameOf<SiteKind> kSiteNames[] = {{SiteKind::Output, "outputs"},
                                   {SiteKind::Weight, "weights"},
                                   {SiteKind::Input, "inputs"},
                                   {SiteKind::Accumulator, "accumulators"}};

bool corruptible(const Value* value) {
  return value && value->is_tensor() && dtype_bits(value->tensor().dtype()) > 0 && value->tensor().numel() > 0;
}

}  // namespace

std::regex node_regex(const std::string& pattern) {
  try {
    return std::regex(pattern.empty() ? std::string(".*") : pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& error) {
    fail_bad_input("--node '", pattern, "' is not a regular expression: ", error.what());
  }
}

const char* site_kind_name(SiteKind kind) { return name_in(kSiteNames, kind); }

SiteKind parse_site_kind(const std::string& name) {
  if (const auto kind = value_in(kSiteNames, name)) return *kind;
  fail_bad_input("--site: '", name, "' is not a fault site (outputs, weights, inputs, accumulators)");
}

std::vector<FaultTarget> find_fault_targets(Session& session, const Session::Trace& trace, const SiteFilter& filter) {
  const std::regex pattern = node_regex(filter.node_pattern);
  const std::vector<Session::StepSummary> steps = session.step_summaries();
  std::vector<char> selected(steps.size(), 0);
  for (size_t s = 0; s < steps.size(); ++s) {
    const Node& node = *steps[s].node;
    selected[s] = std::regex_match(node.name, pattern) && (filter.op_type.empty() || node.op_type == filter.op_type);
  }
  std::vector<FaultTarget> targets;
  auto add = [&](SiteKind kind, const std::string& tensor, size_t step, const Value* value) {
    FaultTarget target;
    target.kind = kind;
    target.tensor = tensor;
    target.node = steps[step].node->name;
    target.op_type = steps[step].node->op_type;
    target.dtype = value->tensor().dtype();
    target.elements = value->tensor().numel();
    targets.push_back(std::move(target));
    return &targets.back();
  };
  const Graph& graph = session.graph();
  switch (filter.kind) {
    case SiteKind::Output:
      for (size_t s = 0; s < steps.size(); ++s) {
        const std::vector<std::string>& outputs = steps[s].node->outputs;
        for (size_t o = 0; selected[s] && o < outputs.size(); ++o) {
          const Value* value = outputs[o].empty() ? nullptr : session.traced_value(trace, outputs[o]);
          if (!corruptible(value)) continue;
          FaultTarget* target = add(SiteKind::Output, outputs[o], s, value);
          target->steps = {s};
          target->output = static_cast<int>(o);
        }
      }
      break;
    case SiteKind::Weight:
    case SiteKind::Input:
      // A weight or an input belongs to its first selected reader; every reader runs again.
      for (size_t s = 0; s < steps.size(); ++s) {
        for (const std::string& name : steps[s].node->inputs) {
          const bool weight = graph.initializers.count(name) > 0;
          const bool input = std::any_of(graph.inputs.begin(), graph.inputs.end(),
                                         [&](const ValueInfo& info) { return info.name == name; });
          if (!selected[s] || (filter.kind == SiteKind::Weight ? !weight : !input)) continue;
          const bool known = std::any_of(targets.begin(), targets.end(), [&](const FaultTarget& t) { return t.tensor == name; });
          const Value* value = session.traced_value(trace, name);
          if (known || !corruptible(value)) continue;
          FaultTarget* target = add(filter.kind, name, s, value);
          if (filter.kind == SiteKind::Weight) {
            for (size_t r = 0; r < steps.size(); ++r) {
              const std::vector<std::string>& inputs = steps[r].node->inputs;
              if (std::find(inputs.begin(), inputs.end(), name) != inputs.end()) target->steps.push_back(r);
            }
          }
        }
      }
      break;
    case SiteKind::Accumulator: {
      std::vector<int64_t> counts(steps.size(), 0);
      AccumulatorTap tap(selected, [&](size_t step, const kernels::S32Tile& tile, int64_t) {
        counts[step] += static_cast<int64_t>(tile.rows) * tile.cols;
      });
      std::vector<size_t> all(steps.size());
      for (size_t s = 0; s < all.size(); ++s) all[s] = s;
      {
        const ScopedStepHook hooked(session, tap);
        session.replay(trace, all);
      }
      for (size_t s = 0; s < steps.size(); ++s) {
        if (counts[s] == 0) continue;
        FaultTarget target;
        target.kind = SiteKind::Accumulator;
        target.tensor = steps[s].node->outputs.empty() ? std::string() : steps[s].node->outputs[0];
        target.node = steps[s].node->name;
        target.op_type = steps[s].node->op_type;
        target.steps = {s};
        target.dtype = DType::Int32;
        target.elements = counts[s];
        targets.push_back(std::move(target));
      }
      break;
    }
  }
  check_input(!targets.empty(), "no fault site matches --site ", site_kind_name(filter.kind),
              filter.node_pattern.empty() ? "" : " --node '" + filter.node_pattern + "'",
              filter.op_type.empty() ? "" : " --op " + filter.op_type,
              filter.kind == SiteKind::Accumulator ? " (accumulators are those of int8 GEMMs)" : "");
  return targets;
}

}  // namespace vigil::faults

// SPDX-License-Identifier: Apache-2.0
// Running a subgraph with its declared and outer-scope feeds.
#include "runtime/value_ops/body.h"

namespace vigil {

Body::Body(const Graph& graph, const OpCreateInfo& info) : graph_(graph), outer_(node_outer_values(info.node)) {
  graph_.validate_and_sort(outer_);
  session_ = std::make_unique<Session>(graph_, *info.model, outer_, SessionOptions{info.threads});
}

std::vector<Value> Body::run(const std::vector<Value>& declared_feeds, const ValueInputs& node_inputs,
                             size_t first_outer) {
  check_input(declared_feeds.size() == graph_.inputs.size(), "body '", graph_.name, "' takes ", graph_.inputs.size(),
              " inputs, ", declared_feeds.size(), " given");
  std::map<std::string, Value> feeds;
  for (size_t i = 0; i < declared_feeds.size(); ++i) feeds[graph_.inputs[i].name] = declared_feeds[i];
  for (size_t i = 0; i < outer_.size(); ++i) {
    const Value* value = node_inputs.at(first_outer + i);
    check_input(value != nullptr, "outer value '", outer_[i], "' has no value");
    feeds[outer_[i]] = *value;
  }
  return session_->run_values(feeds);
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Time shares, orders, operator-type totals and colours of layers for the profile's
// reports (see report_layers.h).
#include "perf/report_layers.h"

#include <algorithm>
#include <map>

namespace vigil::perf {

double total_layer_seconds(const ModelProfile& profile) {
  if (profile.layer_seconds > 0.0) return profile.layer_seconds;
  double total = 0.0;
  for (const LayerProfile& layer : profile.layers) total += std::max(layer.seconds, 0.0);
  return total;
}

double time_share(double seconds, const ModelProfile& profile) {
  const double total = total_layer_seconds(profile);
  if (!(total > 0.0) || !(seconds > 0.0)) return 0.0;
  return std::min(seconds / total, 1.0);
}

std::vector<const LayerProfile*> layers_by_time(const ModelProfile& profile) {
  std::vector<const LayerProfile*> layers;
  for (const LayerProfile& layer : profile.layers) layers.push_back(&layer);
  std::stable_sort(layers.begin(), layers.end(),
                   [](const LayerProfile* a, const LayerProfile* b) { return a->seconds > b->seconds; });
  return layers;
}

std::vector<OperatorTypeTime> time_by_operator_type(const ModelProfile& profile) {
  std::map<std::string, OperatorTypeTime> totals;
  for (const LayerProfile& layer : profile.layers) {
    OperatorTypeTime& total = totals[layer.op_type];
    total.op_type = layer.op_type;
    ++total.layers;
    total.seconds += std::max(layer.seconds, 0.0);
    total.ops += static_cast<double>(layer.cost.ops);
  }
  std::vector<OperatorTypeTime> sorted;
  for (auto& [type, total] : totals) sorted.push_back(std::move(total));
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const OperatorTypeTime& a, const OperatorTypeTime& b) { return a.seconds > b.seconds; });
  return sorted;
}

std::string algorithm_name(const LayerProfile& layer) {
  return layer.algorithm.empty() ? "reference" : layer.algorithm;
}

const char* data_type_name(const LayerProfile& layer) {
  if (layer.plane_pairs > 0) return "bit-serial";
  return layer.integer ? "int8" : "fp32";
}

const char* layer_colour(Bound bound, bool integer) {
  if (bound == Bound::Memory) return integer ? "#1d4f91" : "#4a90d9";
  return integer ? "#b34700" : "#f28e2b";
}

}  // namespace vigil::perf

// Time shares, order by time and colours of layers for the HTML profile report (see
// report_layers.h).
#include "perf/report_layers.h"

#include <algorithm>

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

std::string algorithm_name(const LayerProfile& layer) {
  return layer.algorithm.empty() ? "reference" : layer.algorithm;
}

const char* data_type_name(const LayerProfile& layer) { return layer.integer ? "int8" : "fp32"; }

const char* layer_colour(Bound bound, bool integer) {
  if (bound == Bound::Memory) return integer ? "#1d4f91" : "#4a90d9";
  return integer ? "#b34700" : "#f28e2b";
}

}  // namespace vigil::perf

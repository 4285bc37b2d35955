// SPDX-License-Identifier: Apache-2.0
// What the profile's reports (`vigil profile`'s table and the HTML report of
// report/profile_html.h) agree on about layers: a layer's share of the time, the order by
// time, the time by operator type, the names of what it ran and of its data type, and the
// colour of its kind (memory- or compute-bound, fp32 or int8), which the roofline marks,
// the time bars and the layer table all use.
#pragma once

#include <string>
#include <vector>

#include "perf/model_profile.h"

namespace vigil::perf {

// The sum of the layers' times (profile.layer_seconds, or the sum itself if that is unset).
double total_layer_seconds(const ModelProfile& profile);

// seconds / total, in [0, 1]; 0 when no time was measured.
double time_share(double seconds, const ModelProfile& profile);

// The layers, longest first; ties keep execution order.
std::vector<const LayerProfile*> layers_by_time(const ModelProfile& profile);

// The layers of one operator type together, e.g. every vigil.FusedConv.
struct OperatorTypeTime {
  std::string op_type;
  int layers = 0;
  double seconds = 0.0;  // the sum of their medians
  double ops = 0.0;
  double gops() const { return seconds > 0.0 ? ops / seconds * 1e-9 : 0.0; }
};

// One entry per operator type, longest total time first; ties in name order.
std::vector<OperatorTypeTime> time_by_operator_type(const ModelProfile& profile);

// What the layer ran: its algorithm, or "reference" for a reference operator.
std::string algorithm_name(const LayerProfile& layer);

// "fp32" or "int8".
const char* data_type_name(const LayerProfile& layer);

// A CSS colour per (bound, data type): blues for memory-bound, oranges for compute-bound,
// the darker shade for int8.
const char* layer_colour(Bound bound, bool integer);
inline const char* layer_colour(const LayerProfile& layer) { return layer_colour(layer.bound, layer.integer); }

}  // namespace vigil::perf

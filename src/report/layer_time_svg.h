// SPDX-License-Identifier: Apache-2.0
// The per-layer time chart of the HTML profile report (report/profile_html.h): one bar per
// layer, longest first, its length the layer's time against the longest, its colour the
// layer's kind as on the roofline (perf/report_layers.h), labelled with the name (its
// end, when long) and the time and share. Past kMaxTimeBars layers the rest are summed on
// one line, so that a model of thousands of layers still gives a readable chart.
#pragma once

#include <cstddef>
#include <string>

#include "perf/model_profile.h"

namespace vigil::report {

constexpr size_t kMaxTimeBars = 60;

// The whole <svg> element: one <rect class="time-bar"> per layer shown.
std::string layer_time_svg(const perf::ModelProfile& profile);

}  // namespace vigil::report

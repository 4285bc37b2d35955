// SPDX-License-Identifier: Apache-2.0
// The roofline chart of the HTML profile report (report/profile_html.h): on log-log axes of
// arithmetic intensity (op/byte) and achieved rate (GOP/s), the fp32 roof
// min(peak, intensity x bandwidth), the int8 roof when the machine has an int8 peak, their
// ridge points, and one mark per layer whose area is proportional to the layer's share of
// the time, coloured by bound and data type (perf/report_layers.h). The axes span the
// decades around every layer and a decade either side of each ridge (report/svg_chart.h),
// so that a roof always shows its slope and its flat part. Layers that cannot sit on a
// log axis (no operations, like Reshape, or no measured time) are hollow marks at the left
// or bottom edge.
#pragma once

#include <string>

#include "perf/model_profile.h"
#include "report/svg_chart.h"

namespace vigil::report {

// Where the chart draws: its plot area and scales (x: op/byte, y: GOP/s).
struct RooflineLayout {
  PlotArea area;
  LogScale x;
  LogScale y;
};
RooflineLayout roofline_layout(const perf::ModelProfile& profile);

// The radius of a layer's mark for its share of the time in [0, 1]: area proportional to
// the share, but never under a pixel and a half so that short layers stay visible.
double layer_mark_radius(double share);

// The whole <svg> element. Every layer gets exactly one
// <circle class="layer-mark" data-layer="NAME" ...> with a <title> tooltip.
std::string roofline_svg(const perf::ModelProfile& profile);

}  // namespace vigil::report

// SPDX-License-Identifier: Apache-2.0
// A horizontal chart of 100% stacked bars: one row per group (a layer, a bit position, a
// fault model), each split into the shares of a fixed set of categories (outcomes), with
// the group's size beside it and a tooltip on every segment. The inject report
// (report/campaign_html.h) draws its breakdowns with it.
#pragma once

#include <string>
#include <vector>

namespace vigil::report {

struct BarCategory {
  std::string name;
  std::string colour;  // a CSS colour
};

struct StackedBar {
  std::string label;
  std::string note;             // after the bar, e.g. "n = 412"
  std::vector<double> shares;   // one per category, in [0, 1], summing to at most 1
  std::vector<std::string> tooltips;  // one per category
};

// An <svg> with a legend of the categories on top, then every bar as
// <g class="`row_class`">; empty segments are left out.
std::string stacked_bars_svg(const std::vector<BarCategory>& categories, const std::vector<StackedBar>& bars,
                             const std::string& row_class, const std::string& description);

}  // namespace vigil::report

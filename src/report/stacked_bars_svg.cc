// SPDX-License-Identifier: Apache-2.0
// Drawing the stacked bars (stacked_bars_svg.h).
#include "report/stacked_bars_svg.h"

#include <sstream>

#include "report/svg_chart.h"

namespace vigil::report {

std::string stacked_bars_svg(const std::vector<BarCategory>& categories, const std::vector<StackedBar>& bars,
                             const std::string& row_class, const std::string& description) {
  const double row = 18, label = 260, width = 600, legend = 28;
  const double height = legend + row * static_cast<double>(bars.size()) + 8;
  std::ostringstream svg;
  svg << "<svg width=\"" << svg_number(label + width + 90) << "\" height=\"" << svg_number(height)
      << "\" role=\"img\" aria-label=\"" << html_escape(description) << "\">\n<g class=\"legend\">";
  double x = label;
  for (const BarCategory& category : categories) {
    svg << "<rect x=\"" << svg_number(x) << "\" y=\"6\" width=\"10\" height=\"10\" fill=\"" << category.colour
        << "\"/><text x=\"" << svg_number(x + 14) << "\" y=\"15\">" << html_escape(category.name) << "</text>";
    x += 24 + 7.0 * static_cast<double>(category.name.size());
  }
  svg << "</g>\n";
  double y = legend;
  for (const StackedBar& bar : bars) {
    svg << "<g class=\"" << row_class << "\"><text class=\"bar-label\" x=\"" << svg_number(label - 6) << "\" y=\""
        << svg_number(y + 12) << "\" text-anchor=\"end\">" << html_escape(clip_front(bar.label, 40)) << "<title>"
        << html_escape(bar.label) << "</title></text>";
    double left = label;
    for (size_t c = 0; c < categories.size() && c < bar.shares.size(); ++c) {
      const double w = bar.shares[c] * width;
      if (w <= 0) continue;
      svg << "<rect x=\"" << svg_number(left) << "\" y=\"" << svg_number(y) << "\" width=\"" << svg_number(w)
          << "\" height=\"" << svg_number(row - 4) << "\" fill=\"" << categories[c].colour << "\"><title>"
          << html_escape(c < bar.tooltips.size() ? bar.tooltips[c] : categories[c].name) << "</title></rect>";
      left += w;
    }
    svg << "<text class=\"bar-value\" x=\"" << svg_number(label + width + 6) << "\" y=\"" << svg_number(y + 12)
        << "\">" << html_escape(bar.note) << "</text></g>\n";
    y += row;
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace vigil::report

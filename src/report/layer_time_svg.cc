// SPDX-License-Identifier: Apache-2.0
// Drawing the per-layer time bars (see layer_time_svg.h).
#include "report/layer_time_svg.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "perf/report_layers.h"
#include "report/svg_chart.h"

namespace vigil::report {

using namespace perf;  // the profile and its layer helpers (perf/report_layers.h)

namespace {

constexpr double kWidth = 1000.0;
constexpr double kRowHeight = 18.0;
constexpr double kBarsLeft = 300.0;
constexpr double kLongestBar = 560.0;
constexpr size_t kNameWidth = 42;

}  // namespace

std::string layer_time_svg(const ModelProfile& profile) {
  const std::vector<const LayerProfile*> layers = layers_by_time(profile);
  const size_t shown = std::min(layers.size(), kMaxTimeBars);
  const bool summed = shown < layers.size();
  const double height = kRowHeight * static_cast<double>(shown + (summed ? 1 : 0)) + 10.0;
  const double longest = layers.empty() ? 0.0 : std::max(layers.front()->seconds, 0.0);

  std::ostringstream svg;
  svg << "<svg class=\"time-bars\" viewBox=\"0 0 " << svg_number(kWidth) << " " << svg_number(height) << "\" width=\""
      << svg_number(kWidth) << "\" height=\"" << svg_number(height)
      << "\" role=\"img\" aria-label=\"time per layer\">\n";
  for (size_t i = 0; i < shown; ++i) {
    const LayerProfile& layer = *layers[i];
    const double top = 5.0 + kRowHeight * static_cast<double>(i);
    const double length = longest > 0.0 ? std::max(layer.seconds, 0.0) / longest * kLongestBar : 0.0;
    const std::string time =
        format_number(layer.seconds * 1e3) + " ms, " + format_number(100.0 * time_share(layer.seconds, profile)) + "%";
    svg << "<g><title>" << html_escape(layer.name) << " (" << html_escape(layer.op_type) << "): " << time
        << "</title><text class=\"bar-label\" x=\"" << svg_number(kBarsLeft - 8) << "\" y=\"" << svg_number(top + 12)
        << "\" text-anchor=\"end\">" << html_escape(clip_front(layer.name, kNameWidth)) << "</text>"
        << "<rect class=\"time-bar\" x=\"" << svg_number(kBarsLeft) << "\" y=\"" << svg_number(top + 2) << "\" width=\""
        << svg_number(length) << "\" height=\"" << svg_number(kRowHeight - 4) << "\" fill=\"" << layer_colour(layer)
        << "\"/><text class=\"bar-value\" x=\"" << svg_number(kBarsLeft + length + 6) << "\" y=\""
        << svg_number(top + 12) << "\">" << time << "</text></g>\n";
  }
  if (summed) {
    double rest = 0.0;
    for (size_t i = shown; i < layers.size(); ++i) rest += std::max(layers[i]->seconds, 0.0);
    svg << "<text class=\"bar-label\" x=\"" << svg_number(kBarsLeft - 8) << "\" y=\""
        << svg_number(5.0 + kRowHeight * static_cast<double>(shown) + 12) << "\" text-anchor=\"end\">"
        << layers.size() - shown << " more layers</text><text class=\"bar-value\" x=\"" << svg_number(kBarsLeft)
        << "\" y=\"" << svg_number(5.0 + kRowHeight * static_cast<double>(shown) + 12) << "\">"
        << format_number(rest * 1e3) << " ms, " << format_number(100.0 * time_share(rest, profile)) << "%</text>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace vigil::report

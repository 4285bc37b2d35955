// SPDX-License-Identifier: Apache-2.0
// Drawing the roofline chart (see roofline_svg.h): the axes, the roofs clipped to the plot,
// their labels and ridge lines, the layers' marks (longest first, so that short layers are
// drawn over long ones and stay visible) and the legend.
#include "report/roofline_svg.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <utility>
#include <vector>

#include "perf/report_layers.h"

namespace vigil::report {

using namespace perf;  // the profile and its layer helpers (perf/report_layers.h)

namespace {

constexpr double kWidth = 1000.0;
constexpr double kHeight = 580.0;
constexpr double kLargestRadius = 30.0;  // the mark of a layer that takes all the time
constexpr double kDegreesPerRadian = 57.29577951308232;

struct Roof {
  const char* name;  // "fp32", "int8"
  const char* unit;  // of the peak
  const char* css_class;
  double peak_gops;
  double ridge;  // op/byte
};

bool positive(double value) { return value > 0.0 && std::isfinite(value); }

// A mark that cannot sit on the log axes: no operations or no measured time.
bool hollow(const LayerProfile& layer) { return !positive(layer.intensity) || !positive(layer.achieved_gops); }

std::vector<Roof> roofs(const ModelProfile& profile) {
  std::vector<Roof> result;
  if (!positive(profile.memory_gbs)) return result;
  if (positive(profile.fp32_peak_gops))
    result.push_back(
        {"fp32", "GFLOP/s", "roof fp32", profile.fp32_peak_gops, profile.fp32_peak_gops / profile.memory_gbs});
  if (positive(profile.int8_peak_gops))
    result.push_back(
        {"int8", "GOP/s", "roof int8", profile.int8_peak_gops, profile.int8_peak_gops / profile.memory_gbs});
  return result;
}

// The roof's corners inside the plot: where the memory slope enters it (or the left edge),
// the ridge, and the right edge.
std::vector<std::pair<double, double>> roof_points(const Roof& roof, const RooflineLayout& layout, double memory_gbs) {
  const double left = std::pow(10.0, layout.x.decades.low);
  const double right = std::pow(10.0, layout.x.decades.high);
  const double enter = std::max(left, std::pow(10.0, layout.y.decades.low) / memory_gbs);
  std::vector<std::pair<double, double>> points;
  if (enter >= right) return points;
  points.emplace_back(enter, std::min(roof.peak_gops, enter * memory_gbs));
  if (roof.ridge > enter && roof.ridge < right) points.emplace_back(roof.ridge, roof.peak_gops);
  points.emplace_back(right, std::min(roof.peak_gops, right * memory_gbs));
  return points;
}

std::string tooltip(const LayerProfile& layer, const ModelProfile& profile) {
  return html_escape(layer.name) + "\nop: " + html_escape(layer.op_type) + " (" + data_type_name(layer) + ")" +
         "\nalgorithm: " + html_escape(algorithm_name(layer)) + "\noutput: " + html_escape(layer.output_shape) +
         "\ntime: " + format_number(layer.seconds * 1e3) + " ms (" +
         format_number(100.0 * time_share(layer.seconds, profile)) + "%)" +
         "\nachieved: " + format_number(layer.achieved_gops) + " GOP/s, " + format_number(layer.achieved_gbs) +
         " GB/s\nintensity: " + format_number(layer.intensity) + " op/byte" +
         "\n% of peak: " + format_number(layer.percent_of_peak) +
         ", % of roof: " + format_number(layer.percent_of_roof) + "\nbound: " + bound_name(layer.bound) +
         (hollow(layer) ? "\n(no operations or no time: drawn at the edge)" : "");
}

// The roofs' lines into `lines`, their labels into `labels` (drawn over the marks, so that they stay readable).
void draw_roofs(std::ostringstream& lines, std::ostringstream& labels, const ModelProfile& profile,
                const RooflineLayout& layout) {
  const std::vector<Roof> all = roofs(profile);
  const double x_pixels_per_decade = layout.area.width / (layout.x.decades.high - layout.x.decades.low);
  const double y_pixels_per_decade = layout.area.height / (layout.y.decades.high - layout.y.decades.low);
  bool slope_labelled = false;
  for (const Roof& roof : all) {
    const std::vector<std::pair<double, double>> points = roof_points(roof, layout, profile.memory_gbs);
    if (points.empty()) continue;
    lines << "<polyline class=\"" << roof.css_class << "\" points=\"";
    for (size_t i = 0; i < points.size(); ++i)
      lines << (i ? " " : "") << svg_number(layout.x.map(points[i].first)) << ","
            << svg_number(layout.y.map(points[i].second));
    lines << "\"/>\n";

    // The peak's label above its flat part, or below it when a higher roof's label is close.
    const double peak_y = layout.y.map(roof.peak_gops);
    bool below = false;
    for (const Roof& other : all)
      below = below || (other.peak_gops > roof.peak_gops && peak_y - layout.y.map(other.peak_gops) < 16.0);
    labels << "<text class=\"" << roof.css_class << "\" x=\"" << svg_number(layout.area.right() - 6) << "\" y=\""
           << svg_number(below ? peak_y + 15 : peak_y - 6) << "\" text-anchor=\"end\">" << roof.name << " peak "
           << format_number(roof.peak_gops) << " " << roof.unit << "</text>\n";

    if (roof.ridge > points.front().first && roof.ridge < points.back().first) {
      const std::string ridge_x = svg_number(layout.x.map(roof.ridge));
      const std::string label_x = svg_number(layout.x.map(roof.ridge) + 12);
      const std::string label_y = svg_number(layout.area.bottom() - 6);
      lines << "<line class=\"ridge\" x1=\"" << ridge_x << "\" y1=\"" << svg_number(peak_y) << "\" x2=\"" << ridge_x
            << "\" y2=\"" << svg_number(layout.area.bottom()) << "\"/>\n";
      labels << "<text class=\"" << roof.css_class << "\" x=\"" << label_x << "\" y=\"" << label_y
             << "\" transform=\"rotate(-90 " << label_x << " " << label_y << ")\">" << roof.name << " ridge "
             << format_number(roof.ridge) << " op/byte</text>\n";
      // The bandwidth along the first sloped stretch, halfway up it (in log space).
      if (!slope_labelled) {
        const double middle = std::sqrt(points.front().first * roof.ridge);
        const double slope_y = layout.y.map(middle * profile.memory_gbs);
        const std::string at_x = svg_number(layout.x.map(middle));
        const double degrees = -std::atan2(y_pixels_per_decade, x_pixels_per_decade) * kDegreesPerRadian;
        labels << "<text class=\"roof memory\" x=\"" << at_x << "\" y=\"" << svg_number(slope_y - 7)
               << "\" text-anchor=\"middle\" transform=\"rotate(" << svg_number(degrees) << " " << at_x << " "
               << svg_number(slope_y) << ")\">memory " << format_number(profile.memory_gbs) << " GB/s</text>\n";
        slope_labelled = true;
      }
    }
  }
}

void draw_marks(std::ostringstream& svg, const ModelProfile& profile, const RooflineLayout& layout) {
  svg << "<g class=\"layers\">\n";
  for (const LayerProfile* layer : layers_by_time(profile)) {
    const char* colour = layer_colour(*layer);
    svg << "<circle class=\"layer-mark\" data-layer=\"" << html_escape(layer->name) << "\" cx=\""
        << svg_number(layout.x.map(layer->intensity)) << "\" cy=\"" << svg_number(layout.y.map(layer->achieved_gops))
        << "\" r=\"" << svg_number(layer_mark_radius(time_share(layer->seconds, profile))) << "\" stroke=\"" << colour
        << "\" fill=\"" << (hollow(*layer) ? "none" : colour) << "\"><title>" << tooltip(*layer, profile)
        << "</title></circle>\n";
  }
  svg << "</g>\n";
}

void draw_legend(std::ostringstream& svg, const PlotArea& area) {
  const double x = area.right() + 28;
  double y = area.top + 10;
  svg << "<g class=\"legend\">\n";
  for (const bool integer : {false, true}) {
    for (const Bound bound : {Bound::Memory, Bound::Compute}) {
      const char* colour = layer_colour(bound, integer);
      svg << "<circle cx=\"" << svg_number(x) << "\" cy=\"" << svg_number(y) << "\" r=\"6\" stroke=\"" << colour
          << "\" fill=\"" << colour << "\"/><text x=\"" << svg_number(x + 14) << "\" y=\"" << svg_number(y + 4) << "\">"
          << (integer ? "int8 " : "fp32 ") << bound_name(bound) << "-bound</text>\n";
      y += 22;
    }
  }
  svg << "<circle cx=\"" << svg_number(x) << "\" cy=\"" << svg_number(y) << "\" r=\"6\" stroke=\"#555\" fill=\"none\"/>"
      << "<text x=\"" << svg_number(x + 14) << "\" y=\"" << svg_number(y + 4) << "\">no operations or no time,</text>"
      << "<text x=\"" << svg_number(x + 14) << "\" y=\"" << svg_number(y + 20) << "\">drawn at the edge</text>\n";
  y += 46;
  svg << "<text x=\"" << svg_number(x - 6) << "\" y=\"" << svg_number(y) << "\">area: share of the time</text>\n"
      << "<text x=\"" << svg_number(x - 6) << "\" y=\"" << svg_number(y + 16) << "\">hover a mark for details</text>\n"
      << "</g>\n";
}

}  // namespace

RooflineLayout roofline_layout(const ModelProfile& profile) {
  std::vector<double> intensities;
  std::vector<double> rates;
  for (const LayerProfile& layer : profile.layers) {
    intensities.push_back(layer.intensity);
    rates.push_back(layer.achieved_gops);
  }
  // Each roof with a decade of its slope and of its flat part around the ridge.
  for (const Roof& roof : roofs(profile)) {
    intensities.insert(intensities.end(), {roof.ridge / 10.0, roof.ridge * 10.0});
    rates.insert(rates.end(), {roof.peak_gops / 10.0, roof.peak_gops});
  }
  RooflineLayout layout;
  layout.area = {90.0, 20.0, 680.0, 500.0};
  layout.x = {decade_range(intensities, {-2, 3}), {layout.area.left, layout.area.right()}};
  layout.y = {decade_range(rates, {-1, 3}), {layout.area.bottom(), layout.area.top}};
  return layout;
}

double layer_mark_radius(double share) { return std::max(1.5, kLargestRadius * std::sqrt(std::max(share, 0.0))); }

std::string roofline_svg(const ModelProfile& profile) {
  const RooflineLayout layout = roofline_layout(profile);
  std::ostringstream roof_lines;
  std::ostringstream roof_labels;
  draw_roofs(roof_lines, roof_labels, profile, layout);
  std::ostringstream svg;
  svg << "<svg class=\"roofline\" viewBox=\"0 0 " << svg_number(kWidth) << " " << svg_number(kHeight) << "\" width=\""
      << svg_number(kWidth) << "\" height=\"" << svg_number(kHeight) << "\" role=\"img\" aria-label=\"roofline\">\n"
      << svg_log_axes(layout.area, layout.x, layout.y, "arithmetic intensity (operations per byte)", "achieved GOP/s")
      << "<g class=\"roofs\">\n"
      << roof_lines.str() << "</g>\n";
  draw_marks(svg, profile, layout);
  svg << "<g class=\"roof-labels\">\n" << roof_labels.str() << "</g>\n";
  draw_legend(svg, layout.area);
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace vigil::report

// SPDX-License-Identifier: Apache-2.0
// The bit-error-rate sweep page (ber_sweep_html.h): a log x axis from the chart
// primitives, a linear accuracy axis drawn here.
#include "report/ber_sweep_html.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "report/html_page.h"
#include "report/svg_chart.h"

namespace vigil::report {

namespace {

constexpr const char* kStyle = R"(
svg .band { fill: #4e79a7; fill-opacity: 0.25; stroke: none; }
svg .mean { fill: none; stroke: #4e79a7; stroke-width: 2; }
svg .ber-point { fill: #4e79a7; }
svg .clean { stroke: #59a14f; stroke-dasharray: 6 4; stroke-width: 1.5; }
)";

}  // namespace

std::string ber_sweep_html(const nlohmann::json& sweep) {
  const std::string model = sweep.at("model").get<std::string>();
  const nlohmann::json& points = sweep.at("points");
  const double clean = sweep.at("clean_accuracy").get<double>();
  std::ostringstream html;
  html << "<h1>vigil inject --ber: " << html_escape(model) << "</h1>\n<p class=\"subtitle\">accuracy on "
       << sweep.at("images").get<int64_t>() << " images, " << sweep.at("repeats").get<int>()
       << " error patterns per rate, seed " << html_escape(sweep.at("seed").get<std::string>()) << "</p>\n"
       << "<div class=\"metrics\">\n";
  html_metric(html, percent_text(clean), "fault-free accuracy");
  html_metric(html, format_number(static_cast<double>(sweep.at("weight_bits").get<int64_t>())), "weight bits exposed");
  html_metric(html, std::to_string(sweep.at("weight_tensors").size()), "weight tensors");
  html_metric(html, format_number(sweep.at("seconds").get<double>()) + " s", "sweep time");
  html << "</div>\n<h2>Accuracy against bit-error rate</h2>\n";

  std::vector<double> rates;
  for (const nlohmann::json& point : points) rates.push_back(point.at("rate").get<double>());
  const PlotArea area{70, 20, 760, 360};
  const LogScale x{decade_range(rates), {area.left, area.right()}};
  const auto y = [&](double accuracy) { return area.bottom() - std::clamp(accuracy, 0.0, 1.0) * area.height; };
  std::ostringstream svg;
  svg << "<svg width=\"" << svg_number(area.right() + 30) << "\" height=\"" << svg_number(area.bottom() + 50)
      << "\" role=\"img\" aria-label=\"accuracy against bit-error rate\">\n";
  for (int percent_tick = 0; percent_tick <= 100; percent_tick += 10) {
    const double py = y(percent_tick / 100.0);
    svg << "<line class=\"grid\" x1=\"" << svg_number(area.left) << "\" x2=\"" << svg_number(area.right()) << "\" y1=\""
        << svg_number(py) << "\" y2=\"" << svg_number(py) << "\"/><text class=\"tick\" x=\"" << svg_number(area.left - 6)
        << "\" y=\"" << svg_number(py + 4) << "\" text-anchor=\"end\">" << percent_tick << "%</text>\n";
  }
  for (const Tick& tick : decade_ticks(x)) {
    svg << "<line class=\"grid\" x1=\"" << svg_number(tick.pixel) << "\" x2=\"" << svg_number(tick.pixel) << "\" y1=\""
        << svg_number(area.top) << "\" y2=\"" << svg_number(area.bottom()) << "\"/><text class=\"tick\" x=\""
        << svg_number(tick.pixel) << "\" y=\"" << svg_number(area.bottom() + 16) << "\" text-anchor=\"middle\">"
        << html_escape(tick.label) << "</text>\n";
  }
  svg << "<rect class=\"frame\" x=\"" << svg_number(area.left) << "\" y=\"" << svg_number(area.top) << "\" width=\""
      << svg_number(area.width) << "\" height=\"" << svg_number(area.height) << "\"/>\n"
      << "<text class=\"axis-title\" x=\"" << svg_number(area.left + area.width / 2) << "\" y=\""
      << svg_number(area.bottom() + 38) << "\" text-anchor=\"middle\">bit-error rate (probability each weight bit flips)</text>\n"
      << "<text class=\"axis-title\" transform=\"translate(18 " << svg_number(area.top + area.height / 2)
      << ") rotate(-90)\" text-anchor=\"middle\">accuracy</text>\n"
      << "<line class=\"clean\" x1=\"" << svg_number(area.left) << "\" x2=\"" << svg_number(area.right()) << "\" y1=\""
      << svg_number(y(clean)) << "\" y2=\"" << svg_number(y(clean)) << "\"><title>fault-free accuracy " << percent_text(clean)
      << "</title></line>\n";
  std::string band_top, band_bottom, mean;
  for (const nlohmann::json& point : points) {
    const double px = x.map(point.at("rate").get<double>());
    band_top += svg_number(px) + "," + svg_number(y(point.at("highest").get<double>())) + " ";
    band_bottom = svg_number(px) + "," + svg_number(y(point.at("lowest").get<double>())) + " " + band_bottom;
    mean += svg_number(px) + "," + svg_number(y(point.at("accuracy").get<double>())) + " ";
  }
  svg << "<polygon class=\"band\" points=\"" << band_top << band_bottom << "\"/>\n<polyline class=\"mean\" points=\""
      << mean << "\"/>\n";
  for (const nlohmann::json& point : points) {
    svg << "<circle class=\"ber-point\" cx=\"" << svg_number(x.map(point.at("rate").get<double>())) << "\" cy=\""
        << svg_number(y(point.at("accuracy").get<double>())) << "\" r=\"4\"><title>rate "
        << format_number(point.at("rate").get<double>()) << ": accuracy " << percent_text(point.at("accuracy").get<double>())
        << " (lowest " << percent_text(point.at("lowest").get<double>()) << ", highest "
        << percent_text(point.at("highest").get<double>()) << "), " << format_number(point.at("mean_flips").get<double>())
        << " bits flipped</title></circle>\n";
  }
  svg << "</svg>\n";
  html << svg.str()
       << "<table class=\"rates\">\n<tr><th>bit-error rate</th><th>bits flipped (mean)</th><th>accuracy</th>"
       << "<th>lowest</th><th>highest</th></tr>\n";
  for (const nlohmann::json& point : points) {
    html << "<tr><td>" << format_number(point.at("rate").get<double>()) << "</td><td>"
         << format_number(point.at("mean_flips").get<double>()) << "</td><td>" << percent_text(point.at("accuracy").get<double>())
         << "</td><td>" << percent_text(point.at("lowest").get<double>()) << "</td><td>"
         << percent_text(point.at("highest").get<double>()) << "</td></tr>\n";
  }
  html << "</table>\n";
  return html_document("vigil inject --ber: " + model, kStyle, html.str());
}

}  // namespace vigil::report

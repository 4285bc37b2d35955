// SPDX-License-Identifier: Apache-2.0
// The dse report (dse_html.h). The axes and number formatting are the profile report's
// (report/svg_chart.h); the front of a chart's two quantities is found by the same
// non-dominated filter as the three-way front (accel/pareto.h).
#include "report/dse_html.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "accel/pareto.h"
#include "report/svg_chart.h"

namespace vigil::report {

namespace {

using report::format_number;
using report::html_escape;
using report::svg_number;

constexpr const char* kStyle =
    "body{font:14px sans-serif;margin:2em;color:#222}"
    "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #ddd}"
    "tr.front td{font-weight:bold;background:#fdf0e2}td.reason{text-align:left;font-weight:normal}"
    "svg text{font:12px sans-serif}svg .grid{stroke:#e4e4e4}svg .frame{fill:none;stroke:#888}"
    "svg .tick{fill:#555}svg .axis-title{fill:#333;font-size:13px}"
    "circle.point{fill:#bab0ac;fill-opacity:0.7}circle.front{fill:#f28e2b;stroke:#7a3f00}"
    "polyline.front{fill:none;stroke:#f28e2b;stroke-width:1.5;stroke-dasharray:5 3}";

std::string point_label(const accel::SweepSpec& sweep, const accel::DesignPoint& point) {
  std::string label = "point " + std::to_string(point.index) + ":";
  for (size_t i = 0; i < point.values.size(); ++i) {
    label += " " + sweep.parameters[i].name + "=" + format_number(point.values[i]);
  }
  const accel::PredictionTotals& t = point.prediction.total;
  return label + "; " + format_number(t.energy_mj) + " mJ, " + format_number(t.total_latency_ms) + " ms, " +
         format_number(point.area_mm2) + " mm2";
}

// The points that fit, `y` against total latency on log-log axes.
void scatter(std::ostringstream& html, const accel::SweepSpec& sweep,
             const std::vector<const accel::DesignPoint*>& points, int y_cost, const std::string& y_title) {
  const report::PlotArea area{90, 20, 560, 340};
  std::vector<std::vector<double>> xy;
  std::vector<double> xs, ys;
  for (const accel::DesignPoint* point : points) {
    const std::vector<double> costs = accel::design_costs(*point);
    xy.push_back({costs[1], costs[y_cost]});
    xs.push_back(costs[1]);
    ys.push_back(costs[y_cost]);
  }
  const report::LogScale x{report::decade_range(xs), {area.left, area.right()}};
  const report::LogScale y{report::decade_range(ys), {area.bottom(), area.top}};
  html << "<svg width=\"" << svg_number(area.right() + 20) << "\" height=\"" << svg_number(area.bottom() + 50)
       << "\" role=\"img\" aria-label=\"" << html_escape(y_title) << " against total latency\">\n"
       << svg_log_axes(area, x, y, "total latency (ms)", y_title);
  // The staircase through this chart's own front, by rising latency.
  std::vector<size_t> front = accel::pareto_front(xy);
  std::sort(front.begin(), front.end(), [&](size_t a, size_t b) { return xy[a] < xy[b]; });
  html << "<polyline class=\"front\" points=\"";
  for (size_t i = 0; i < front.size(); ++i) {
    if (i > 0) html << svg_number(x.map(xs[front[i]])) << "," << svg_number(y.map(ys[front[i - 1]])) << " ";
    html << svg_number(x.map(xs[front[i]])) << "," << svg_number(y.map(ys[front[i]])) << " ";
  }
  html << "\"/>\n";
  // Points off the front first, so the front is drawn over them.
  for (const bool on_front : {false, true}) {
    for (size_t i = 0; i < points.size(); ++i) {
      if (points[i]->pareto != on_front) continue;
      html << "<circle class=\"" << (on_front ? "front" : "point") << "\" cx=\"" << svg_number(x.map(xs[i]))
           << "\" cy=\"" << svg_number(y.map(ys[i])) << "\" r=\"" << (on_front ? 5 : 3.5) << "\"><title>"
           << html_escape(point_label(sweep, *points[i])) << "</title></circle>\n";
    }
  }
  html << "</svg>\n";
}

void point_table(std::ostringstream& html, const accel::SweepSpec& sweep, const accel::Exploration& exploration) {
  html << "<table><tr><th>point</th>";
  for (const accel::SweepParameter& parameter : sweep.parameters)
    html << "<th>" << html_escape(parameter.name) << "</th>";
  html << "<th>energy mJ</th><th>total latency ms</th><th>processing latency ms</th><th>area mm2</th><th>front</th>"
       << "</tr>\n";
  for (const accel::DesignPoint& point : exploration.points) {
    html << "<tr" << (point.pareto ? " class=\"front\"" : "") << "><td>" << point.index << "</td>";
    for (const double value : point.values) html << "<td>" << format_number(value) << "</td>";
    if (point.ok) {
      const accel::PredictionTotals& t = point.prediction.total;
      html << "<td>" << format_number(t.energy_mj) << "</td><td>" << format_number(t.total_latency_ms) << "</td><td>"
           << format_number(t.processing_latency_ms) << "</td><td>" << format_number(point.area_mm2) << "</td><td>"
           << (point.pareto ? "yes" : "") << "</td></tr>\n";
    } else {
      html << "<td class=\"reason\" colspan=\"5\">does not fit: " << html_escape(point.reason) << "</td></tr>\n";
    }
  }
  html << "</table>\n";
}

}  // namespace

std::string dse_html(const accel::SweepSpec& sweep, const std::string& workload, const std::string& dataflow,
                     const accel::Exploration& exploration) {
  std::vector<const accel::DesignPoint*> fitting;
  for (const accel::DesignPoint& point : exploration.points) {
    if (point.ok) fitting.push_back(&point);
  }
  const accel::AreaModel& area = sweep.area;
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vigil dse: " << html_escape(workload)
       << "</title>\n<style>" << kStyle << "</style></head><body>\n";
  html << "<h1>" << html_escape(workload) << ": design space of " << html_escape(sweep.base.name) << "</h1>\n<p>"
       << exploration.points.size() << " design points from " << html_escape(sweep.path) << ", "
       << html_escape(dataflow) << " dataflow; " << fitting.size() << " fit, " << exploration.front.size()
       << " are on the Pareto front of energy, total latency and area (orange). Area is a proxy: PEs x MACs per PE x "
       << format_number(area.mac_mm2) << " mm2 + on-chip KiB x " << format_number(area.sram_mm2_per_kib)
       << " mm2 + DRAM GB/s x " << format_number(area.dram_mm2_per_gb_per_s)
       << " mm2. The dashed line is the front of the two quantities a chart shows.</p>\n";
  html << "<h2>Energy against latency</h2>\n";
  scatter(html, sweep, fitting, 0, "energy (mJ)");
  html << "<h2>Area against latency</h2>\n";
  scatter(html, sweep, fitting, 2, "area proxy (mm2)");
  html << "<h2>Design points</h2>\n";
  point_table(html, sweep, exploration);
  html << "</body></html>\n";
  return html.str();
}

}  // namespace vigil::report

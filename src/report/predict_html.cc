// SPDX-License-Identifier: Apache-2.0
// The predict report (predict_html.h). Energy parts are drawn in a fixed order with one
// colour each, so the same level has the same colour in every bar and in the legend.
#include "report/predict_html.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "report/svg_chart.h"

namespace vigil::report {

namespace {

using report::format_number;
using report::html_escape;
using report::svg_number;

constexpr const char* kColours[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

// One layer's energy (pJ) in the parts of `part_names`.
std::vector<double> energy_parts(const accel::EvalResult& r) {
  std::vector<double> parts = {r.mac_energy_pj};
  for (const accel::LevelStats& level : r.levels) parts.push_back(level.energy_pj);  // DRAM last
  parts.push_back(r.noc_energy_pj);
  parts.push_back(r.static_energy_pj);
  return parts;
}

std::vector<std::string> part_names(const accel::ArchSpec& arch) {
  std::vector<std::string> names = {"MACs"};
  for (size_t i = 0; i <= arch.levels.size(); ++i) names.push_back(accel::level_name(arch, i));
  names.push_back("network");
  names.push_back("static");
  return names;
}

void energy_bars(std::ostringstream& html, const std::vector<std::string>& names, const accel::Prediction& prediction) {
  const double row = 18, label = 220, width = 640;
  double most = 0;
  for (const accel::LayerPrediction& layer : prediction.layers) most = std::max(most, layer.result.energy_pj);
  const double height = row * static_cast<double>(prediction.layers.size()) + 30;
  html << "<svg width=\"" << svg_number(label + width + 90) << "\" height=\"" << svg_number(height)
       << "\" role=\"img\" aria-label=\"energy by layer\">\n";
  double y = 10;
  for (const accel::LayerPrediction& layer : prediction.layers) {
    html << "<g class=\"layer\"><text x=\"" << svg_number(label - 6) << "\" y=\"" << svg_number(y + 12)
         << "\" text-anchor=\"end\">" << html_escape(report::clip_front(layer.layer.name, 32)) << "</text>";
    double x = label;
    const std::vector<double> parts = energy_parts(layer.result);
    for (size_t i = 0; i < parts.size(); ++i) {
      const double w = most > 0 ? parts[i] / most * width : 0;
      html << "<rect x=\"" << svg_number(x) << "\" y=\"" << svg_number(y) << "\" width=\"" << svg_number(w)
           << "\" height=\"" << svg_number(row - 4) << "\" fill=\"" << kColours[i % std::size(kColours)] << "\"><title>"
           << html_escape(names[i]) << ": " << format_number(parts[i] * 1e-9) << " mJ</title></rect>";
      x += w;
    }
    html << "<text x=\"" << svg_number(x + 4) << "\" y=\"" << svg_number(y + 12) << "\">"
         << format_number(layer.result.energy_mj()) << " mJ</text></g>\n";
    y += row;
  }
  html << "</svg>\n<p class=\"legend\">";
  for (size_t i = 0; i < names.size(); ++i) {
    html << "<span><i style=\"background:" << kColours[i % std::size(kColours)] << "\"></i>" << html_escape(names[i])
         << "</span> ";
  }
  html << "</p>\n";
}

}  // namespace

std::string predict_html(const accel::ArchSpec& arch, const std::string& workload,
                         const accel::Prediction& prediction) {
  const std::vector<std::string> names = part_names(arch);
  const accel::PredictionTotals& t = prediction.total;
  std::ostringstream html;
  html << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>vigil predict: "
       << html_escape(workload) << "</title>\n<style>body{font:14px sans-serif;margin:2em;color:#222}"
       << "table{border-collapse:collapse}td,th{padding:2px 8px;text-align:right;border-bottom:1px solid #ddd}"
       << "td:first-child,th:first-child{text-align:left}svg text{font:12px sans-serif}"
       << ".legend span{margin-right:1em}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}"
       << "</style></head><body>\n";
  html << "<h1>" << html_escape(workload) << " on " << html_escape(arch.name) << "</h1>\n<p>" << arch.pe_rows << "x"
       << arch.pe_cols << " PEs at " << format_number(arch.clock_mhz) << " MHz, " << html_escape(prediction.dataflow)
       << " dataflow. Processing latency " << format_number(t.processing_latency_ms) << " ms, total latency "
       << format_number(t.total_latency_ms) << " ms, energy " << format_number(t.energy_mj) << " mJ, chip power "
       << format_number(t.power_mw) << " mW, " << format_number(t.active_pes) << " active PEs, DRAM "
       << format_number(t.dram_bytes * 1e-6) << " MB.</p>\n";

  html << "<h2>Energy by layer</h2>\n";
  energy_bars(html, names, prediction);

  html << "<h2>Energy by level</h2>\n<table><tr><th>part</th><th>mJ</th><th>share</th></tr>\n";
  std::vector<double> sums(names.size(), 0.0);
  for (const accel::LayerPrediction& layer : prediction.layers) {
    const std::vector<double> parts = energy_parts(layer.result);
    for (size_t i = 0; i < parts.size(); ++i) sums[i] += parts[i];
  }
  for (size_t i = 0; i < names.size(); ++i) {
    html << "<tr><td>" << html_escape(names[i]) << "</td><td>" << format_number(sums[i] * 1e-9) << "</td><td>"
         << format_number(t.energy_mj > 0 ? 100 * sums[i] * 1e-9 / t.energy_mj : 0) << "%</td></tr>\n";
  }
  html << "</table>\n";

  html << "<h2>Layers</h2>\n<table><tr><th>layer</th><th>op</th><th>MMACs</th><th>PEs</th><th>util %</th>"
       << "<th>processing ms</th><th>total ms</th><th>energy mJ</th><th>power mW</th><th>DRAM MB</th></tr>\n";
  for (const accel::LayerPrediction& layer : prediction.layers) {
    const accel::EvalResult& r = layer.result;
    html << "<tr><td>" << html_escape(layer.layer.name) << "</td><td>" << html_escape(layer.layer.op) << "</td><td>"
         << format_number(r.macs * 1e-6) << "</td><td>" << r.active_pes << "</td><td>"
         << format_number(100 * r.utilization) << "</td><td>" << format_number(r.processing_latency_ms) << "</td><td>"
         << format_number(r.total_latency_ms) << "</td><td>" << format_number(r.energy_mj()) << "</td><td>"
         << format_number(r.power_mw) << "</td><td>" << format_number(r.dram_bytes * 1e-6) << "</td></tr>\n";
  }
  html << "</table>\n</body></html>\n";
  return html.str();
}

}  // namespace vigil::report

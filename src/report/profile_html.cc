// SPDX-License-Identifier: Apache-2.0
// The HTML profile report (see profile_html.h): the document, its style sheet, the header
// of run, machine and model figures, and the two tables (time by operator type, layers in
// execution order). The charts come from report/roofline_svg.h and report/layer_time_svg.h.
#include "report/profile_html.h"

#include <algorithm>
#include <sstream>
#include <utility>
#include <vector>

#include "perf/report_layers.h"
#include "report/html_page.h"
#include "report/layer_time_svg.h"
#include "report/roofline_svg.h"
#include "report/svg_chart.h"

namespace vigil::report {

using namespace perf;  // the profile and its layer helpers (perf/report_layers.h)

namespace {

// Rules of the profile's own charts, after the shared base (report/html_page.h).
constexpr const char* kStyle = R"(
polyline.roof { fill: none; stroke-width: 2.5; }
polyline.fp32 { stroke: #222; }
polyline.int8 { stroke: #7b3294; stroke-dasharray: 8 4; }
text.roof { font-size: 12px; }
text.fp32, text.memory { fill: #222; }
text.int8 { fill: #7b3294; }
svg .ridge { stroke: #999; stroke-dasharray: 3 3; }
circle.layer-mark { fill-opacity: 0.6; stroke-width: 1.5; pointer-events: all; }
circle.layer-mark:hover { fill-opacity: 0.9; stroke: #000; }
.roof-labels text { paint-order: stroke; stroke: #fff; stroke-width: 3px; stroke-linejoin: round; }
.roof-labels { pointer-events: none; }
svg .bar-label { fill: #333; }
svg .bar-value { fill: #555; }
td.share { width: 160px; }
.bar { background: #4a90d9; height: 10px; display: inline-block; vertical-align: middle; margin-right: 6px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 4px; }
)";

// "1 thread", "4 threads".
std::string count_of(int count, const char* noun) {
  return std::to_string(count) + " " + noun + (count == 1 ? "" : "s");
}

void header(std::ostringstream& html, const ModelProfile& profile) {
  const MachinePeaks& peaks = profile.peaks;
  html << "<h1>vigil profile: " << html_escape(profile.model) << "</h1>\n<p class=\"subtitle\">"
       << count_of(profile.threads, "thread") << ", median of " << count_of(profile.runs, "run") << " &middot; "
       << html_escape(peaks.cpu_model.empty() ? "unknown CPU" : peaks.cpu_model) << " &middot; "
       << format_number(peaks.clock_ghz) << " GHz, " << count_of(peaks.cores, "core") << "</p>\n";

  html << "<h2>Model</h2>\n<div class=\"metrics\">\n";
  html_metric(html, format_number(profile.latency_seconds * 1e3) + " ms", "latency (median, step timer off)");
  html_metric(html, format_number(profile.layer_seconds * 1e3) + " ms", "sum of the layers (step timer on)");
  html_metric(html, format_number(profile.throughput_per_second) + " /s", "throughput (inferences)");
  html_metric(html, format_number(profile.achieved_gops) + " GOP/s", "achieved");
  html_metric(html, format_number(profile.utilization_percent) + " %", "utilization of the peak");
  html_metric(html, format_number(static_cast<double>(profile.macs) * 1e-9) + " G", "MACs");
  html_metric(html, format_number(static_cast<double>(profile.ops) * 1e-9) + " G", "operations");
  html_metric(html, format_number(static_cast<double>(profile.parameters) * 1e-6) + " M",
         "parameters (" + format_number(static_cast<double>(profile.parameter_bytes) * 1e-6) + " MB)");
  html_metric(html, format_number(static_cast<double>(profile.peak_activation_bytes) * 1e-6) + " MB",
         "peak activation memory");
  html_metric(html, std::to_string(profile.layers.size()), "layers");
  html << "</div>\n";

  const double fp32_ridge = profile.memory_gbs > 0.0 ? profile.fp32_peak_gops / profile.memory_gbs : 0.0;
  html << "<h2>Machine on " << count_of(profile.threads, "thread") << "</h2>\n<div class=\"metrics\">\n";
  html_metric(html, format_number(profile.fp32_peak_gops) + " GFLOP/s", "fp32 peak");
  html_metric(html, format_number(profile.memory_gbs) + " GB/s", "memory bandwidth (triad)");
  html_metric(html, format_number(fp32_ridge) + " op/byte", "fp32 ridge point");
  if (profile.int8_peak_gops > 0.0) {
    html_metric(html, format_number(profile.int8_peak_gops) + " GOP/s",
           "int8 peak" + (peaks.int8_loop.empty() ? std::string() : " (" + peaks.int8_loop + ")"));
    html_metric(html,
           format_number(profile.memory_gbs > 0.0 ? profile.int8_peak_gops / profile.memory_gbs : 0.0) + " op/byte",
           "int8 ridge point");
  }
  html << "</div>\n";
}

void operator_types(std::ostringstream& html, const ModelProfile& profile) {
  html << "<table class=\"operator-types\">\n<tr><th class=\"text\">operator type</th><th>layers</th><th>ms</th>"
       << "<th class=\"text\">share of the time</th><th>GOP/s</th></tr>\n";
  for (const OperatorTypeTime& total : time_by_operator_type(profile)) {
    const double share = 100.0 * time_share(total.seconds, profile);
    html << "<tr><td class=\"text\">" << html_escape(total.op_type) << "</td><td>" << total.layers << "</td><td>"
         << format_number(total.seconds * 1e3)
         << "</td><td class=\"text share\"><span class=\"bar\" style=\"width:" << svg_number(share) << "px\"></span>"
         << format_number(share) << "%</td><td>" << format_number(total.gops()) << "</td></tr>\n";
  }
  html << "</table>\n";
}

void layer_table(std::ostringstream& html, const ModelProfile& profile) {
  html << "<div class=\"scroll\"><table class=\"layers\">\n"
       << "<tr><th>#</th><th class=\"text\">layer</th><th class=\"text\">op</th><th class=\"text\">algorithm</th>"
       << "<th class=\"text\">shape</th><th>ms</th><th>time%</th><th>GOP/s</th>"
       << "<th>GB/s</th><th>op/byte</th><th>%peak</th><th>%roof</th><th class=\"text\">bound</th></tr>\n";
  size_t index = 0;
  for (const LayerProfile& layer : profile.layers) {
    html << "<tr><td>" << index++ << "</td><td class=\"text name\">" << html_escape(layer.name)
         << "</td><td class=\"text\">" << html_escape(layer.op_type) << "</td><td class=\"text\">"
         << html_escape(algorithm_name(layer)) << "</td><td class=\"text\">" << html_escape(layer.output_shape)
         << "</td><td>" << format_number(layer.seconds * 1e3) << "</td><td>"
         << format_number(100.0 * time_share(layer.seconds, profile)) << "</td><td>"
         << format_number(layer.achieved_gops) << "</td><td>" << format_number(layer.achieved_gbs) << "</td><td>"
         << format_number(layer.intensity) << "</td><td>" << format_number(layer.percent_of_peak) << "</td><td>"
         << format_number(layer.percent_of_roof)
         << "</td><td class=\"text\"><span class=\"swatch\" style=\"background:" << layer_colour(layer) << "\"></span>"
         << bound_name(layer.bound) << " (" << data_type_name(layer) << ")</td></tr>\n";
  }
  html << "</table></div>\n";
}

}  // namespace

std::string profile_html(const ModelProfile& profile) {
  std::ostringstream html;
  header(html, profile);
  html << "<h2>Roofline</h2>\n" << roofline_svg(profile);
  html << "<h2>Time per layer</h2>\n" << layer_time_svg(profile);
  html << "<h2>Time by operator type</h2>\n";
  operator_types(html, profile);
  html << "<h2>Layers in execution order</h2>\n";
  layer_table(html, profile);
  return html_document("vigil profile: " + profile.model, kStyle, html.str());
}

}  // namespace vigil::report

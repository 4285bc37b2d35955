// SPDX-License-Identifier: Apache-2.0
// The `vigil abft` page (abft_html.h).
#include "report/abft_html.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/html_page.h"
#include "report/svg_chart.h"

namespace vigil::report {

namespace {

constexpr const char* kStyle = R"(
svg .bar-label { fill: #333; }
svg .bar-value { fill: #555; }
svg .zero { stroke: #888; }
rect.fused { fill: #4e79a7; }
rect.separate { fill: #f28e2b; }
table.layers td.name { min-width: 200px; }
table.layers td.algorithm { white-space: normal; }
)";

double overhead(double seconds, double base) { return base > 0 ? seconds / base - 1 : 0; }

std::string signed_percent(double rate) { return string_printf("%+.1f%%", 100 * rate); }

bool checked(const nlohmann::json& layer) {
  return layer.at("fused_checked").get<bool>() || layer.at("separate_checked").get<bool>();
}

// Two bars per checked layer around a zero line; the scale spans the largest overhead
// either way, at most +-200%, bars beyond it clipped.
std::string overhead_bars(const nlohmann::json& layers) {
  double most = 0.05, least = 0;
  for (const nlohmann::json& layer : layers) {
    if (!checked(layer)) continue;
    for (const char* scheme : {"fused_ms", "separate_ms"}) {
      const double o = overhead(layer.at(scheme).get<double>(), layer.at("off_ms").get<double>());
      most = std::max(most, std::min(o, 2.0));
      least = std::min(least, std::max(o, -2.0));
    }
  }
  const double label = 260, width = 560, row = 22, top = 30;
  const auto x = [&](double o) { return label + (std::clamp(o, least, most) - least) / (most - least) * width; };
  std::ostringstream svg;
  size_t rows = 0;
  for (const nlohmann::json& layer : layers) rows += checked(layer);
  svg << "<svg width=\"" << svg_number(label + width + 170) << "\" height=\"" << svg_number(top + row * rows + 10)
      << "\" role=\"img\" aria-label=\"ABFT overhead per layer\">\n<g class=\"legend\"><rect class=\"fused\" x=\""
      << svg_number(label) << "\" y=\"6\" width=\"10\" height=\"10\"/><text x=\"" << svg_number(label + 14)
      << "\" y=\"15\">fused</text><rect class=\"separate\" x=\"" << svg_number(label + 70)
      << "\" y=\"6\" width=\"10\" height=\"10\"/><text x=\"" << svg_number(label + 84)
      << "\" y=\"15\">separate (overhead over the layer without ABFT)</text></g>\n<line class=\"zero\" x1=\""
      << svg_number(x(0)) << "\" x2=\"" << svg_number(x(0)) << "\" y1=\"" << svg_number(top - 4) << "\" y2=\""
      << svg_number(top + row * rows) << "\"/>\n";
  double y = top;
  for (const nlohmann::json& layer : layers) {
    if (!checked(layer)) continue;
    const std::string name = layer.at("name").get<std::string>();
    const double off = layer.at("off_ms").get<double>();
    svg << "<g class=\"abft-layer\"><text class=\"bar-label\" x=\"" << svg_number(label - 6) << "\" y=\""
        << svg_number(y + 14) << "\" text-anchor=\"end\">" << html_escape(clip_front(name, 40)) << "<title>"
        << html_escape(name) << " (" << html_escape(layer.at("op_type").get<std::string>()) << ")</title></text>";
    double offset = 0;
    for (const char* scheme : {"fused", "separate"}) {
      const std::string key = std::string(scheme) + "_ms";
      if (!layer.at(std::string(scheme) + "_checked").get<bool>()) {
        offset += 9;
        continue;
      }
      const double o = overhead(layer.at(key).get<double>(), off);
      const double left = std::min(x(0), x(o)), right = std::max(x(0), x(o));
      svg << "<rect class=\"" << scheme << "\" x=\"" << svg_number(left) << "\" y=\"" << svg_number(y + 2 + offset)
          << "\" width=\"" << svg_number(std::max(right - left, 1.0)) << "\" height=\"8\"><title>" << scheme << ": "
          << format_number(layer.at(key).get<double>()) << " ms against " << format_number(off) << " ms, "
          << signed_percent(o) << "</title></rect>";
      offset += 9;
    }
    const double intensity = layer.at("intensity_ops_per_byte").get<double>();
    const double ridge = layer.at("ridge_ops_per_byte").get<double>();
    svg << "<text class=\"bar-value\" x=\"" << svg_number(label + width + 6) << "\" y=\"" << svg_number(y + 14) << "\">"
        << format_number(intensity) << " op/B, " << (intensity < ridge ? "memory" : "compute") << "</text></g>\n";
    y += row;
  }
  svg << "</svg>\n";
  return svg.str();
}

void layer_table(std::ostringstream& html, const nlohmann::json& layers) {
  html << "<div class=\"scroll\"><table class=\"layers\">\n<tr><th class=\"text\">layer</th><th class=\"text\">op</th>"
       << "<th class=\"text\">algorithm</th><th class=\"text\">type</th><th>MMACs</th><th>op/byte</th><th>ridge</th>"
       << "<th>off ms</th><th>fused</th><th>separate</th><th class=\"text\">faster</th><th class=\"text\">auto picks</th></tr>\n";
  for (const nlohmann::json& layer : layers) {
    if (!checked(layer)) continue;
    const double off = layer.at("off_ms").get<double>();
    const double fused = layer.at("fused_ms").get<double>(), separate = layer.at("separate_ms").get<double>();
    const bool fused_checked = layer.at("fused_checked").get<bool>();
    html << "<tr><td class=\"text name\">" << html_escape(layer.at("name").get<std::string>()) << "</td><td class=\"text\">"
         << html_escape(layer.at("op_type").get<std::string>()) << "</td><td class=\"text algorithm\">"
         << html_escape(layer.at("algorithm").get<std::string>()) << "</td><td class=\"text\">"
         << html_escape(layer.at("data_type").get<std::string>()) << "</td><td>"
         << format_number(static_cast<double>(layer.at("macs").get<int64_t>()) * 1e-6) << "</td><td>"
         << format_number(layer.at("intensity_ops_per_byte").get<double>()) << "</td><td>"
         << format_number(layer.at("ridge_ops_per_byte").get<double>()) << "</td><td>" << format_number(off)
         << "</td><td>" << (fused_checked ? signed_percent(overhead(fused, off)) : "not checked") << "</td><td>"
         << signed_percent(overhead(separate, off)) << "</td><td class=\"text\">"
         << (fused_checked && fused <= separate ? "fused" : "separate") << "</td><td class=\"text\">"
         << (fused_checked ? layer.at("auto_scheme").get<std::string>() : "-") << "</td></tr>\n";
  }
  html << "</table></div>\n";
}

}  // namespace

std::string abft_html(const nlohmann::json& comparison) {
  const std::string model = comparison.at("model").get<std::string>();
  const nlohmann::json& layers = comparison.at("layers");
  const double off = comparison.at("off_ms").get<double>();
  double macs = 0, fused_macs = 0, separate_macs = 0;
  int fused_layers = 0, separate_layers = 0;
  for (const nlohmann::json& layer : layers) {
    const double m = static_cast<double>(layer.at("macs").get<int64_t>());
    macs += m;
    if (layer.at("fused_checked").get<bool>()) fused_macs += m, ++fused_layers;
    if (layer.at("separate_checked").get<bool>()) separate_macs += m, ++separate_layers;
  }
  std::ostringstream html;
  const int threads = comparison.at("threads").get<int>();
  html << "<h1>vigil abft: " << html_escape(model) << "</h1>\n<p class=\"subtitle\">" << threads
       << (threads == 1 ? " thread" : " threads") << ", median of " << comparison.at("runs").get<int>()
       << " runs of each scheme in turn</p>\n<div class=\"metrics\">\n";
  html_metric(html, format_number(off) + " ms", "whole model without ABFT");
  for (const char* scheme : {"fused", "separate"}) {
    const double ms = comparison.at(std::string(scheme) + "_ms").get<double>();
    html_metric(html, format_number(ms) + " ms (" + signed_percent(overhead(ms, off)) + ")",
                std::string("whole model, ") + scheme);
  }
  html_metric(html, percent_text(macs > 0 ? fused_macs / macs : 0) + " of MACs",
              "checked by fused (" + std::to_string(fused_layers) + " of " + std::to_string(layers.size()) + " steps)");
  html_metric(html, percent_text(macs > 0 ? separate_macs / macs : 0) + " of MACs",
              "checked by separate (" + std::to_string(separate_layers) + " of " + std::to_string(layers.size()) +
                  " steps)");
  html_metric(html,
              std::to_string(comparison.at("fused_faster").get<int>()) + " of " +
                  std::to_string(comparison.at("checked_layers").get<int>()),
              "layers where fused was the faster");
  html_metric(html, format_number(comparison.at("best_per_layer_saves_ms").get<double>()) + " ms",
              "the faster scheme per layer would save");
  html_metric(html,
              std::to_string(comparison.at("auto_right").get<int>()) + " of " +
                  std::to_string(comparison.at("compared_layers").get<int>()),
              "layers where --abft auto picks the faster (" +
                  format_number(comparison.at("auto_saves_ms").get<double>()) + " ms saved over fused)");
  html << "</div>\n<h2>Overhead per layer</h2>\n" << overhead_bars(layers) << "<h2>Checked layers</h2>\n";
  layer_table(html, layers);
  return html_document("vigil abft: " + model, kStyle, html.str());
}

}  // namespace vigil::report

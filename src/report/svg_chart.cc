// SPDX-License-Identifier: Apache-2.0
// Escaping, number formatting, log scales and log-log axes for the profile report's SVG
// charts (see svg_chart.h).
#include "report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <sstream>

namespace vigil::report {

std::string string_printf(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  const int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(length > 0 ? static_cast<size_t>(length) : 0, '\0');
  if (length > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  return text;
}

std::string html_escape(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': escaped += "&amp;"; break;
      case '<': escaped += "&lt;"; break;
      case '>': escaped += "&gt;"; break;
      case '"': escaped += "&quot;"; break;
      case '\'': escaped += "&#39;"; break;
      default: escaped += c;
    }
  }
  return escaped;
}

std::string clip_front(const std::string& text, size_t width) {
  if (text.size() <= width || width < 2) return text;
  size_t start = text.size() - (width - 2);
  while (start < text.size() && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) ++start;
  return ".." + text.substr(start);
}

std::string format_number(double value) {
  if (!std::isfinite(value)) return "0";
  const double magnitude = std::fabs(value);
  if (magnitude >= 1000.0 && magnitude < 1e15) return string_printf("%.0f", value);
  return string_printf("%.3g", value);
}

std::string percent_text(double rate) { return string_printf("%.1f%%", 100 * rate); }

std::string svg_number(double value) {
  if (!std::isfinite(value)) return "0";
  std::string text = string_printf("%.2f", value);
  text.erase(text.find_last_not_of('0') + 1);
  if (text.back() == '.') text.pop_back();
  return text == "-0" ? "0" : text;
}

Decades decade_range(const std::vector<double>& values, Decades fallback) {
  bool any = false;
  double low = 0.0;
  double high = 0.0;
  for (const double value : values) {
    if (!(value > 0.0) || !std::isfinite(value)) continue;
    low = any ? std::min(low, value) : value;
    high = any ? std::max(high, value) : value;
    any = true;
  }
  if (!any) return fallback;
  return {static_cast<int>(std::ceil(std::log10(low))) - 1, static_cast<int>(std::floor(std::log10(high))) + 1};
}

double LogScale::map(double value) const {
  if (!(value > 0.0) || !std::isfinite(value)) return pixels.from;
  const double fraction = (std::log10(value) - decades.low) / static_cast<double>(decades.high - decades.low);
  return pixels.from + fraction * (pixels.to - pixels.from);
}

std::vector<Tick> decade_ticks(const LogScale& scale) {
  std::vector<Tick> ticks;
  for (int exponent = scale.decades.low; exponent <= scale.decades.high; ++exponent) {
    const double value = std::pow(10.0, exponent);
    ticks.push_back({value, scale.map(value), string_printf("%g", value)});
  }
  return ticks;
}

std::string svg_log_axes(const PlotArea& area, const LogScale& x, const LogScale& y, const std::string& x_title,
                         const std::string& y_title) {
  std::ostringstream svg;
  svg << "<g class=\"axes\">\n";
  for (const Tick& tick : decade_ticks(x)) {
    const std::string at = svg_number(tick.pixel);
    svg << "<line class=\"grid\" x1=\"" << at << "\" y1=\"" << svg_number(area.top) << "\" x2=\"" << at << "\" y2=\""
        << svg_number(area.bottom() + 5) << "\"/>\n"
        << "<text class=\"tick\" x=\"" << at << "\" y=\"" << svg_number(area.bottom() + 19)
        << "\" text-anchor=\"middle\">" << tick.label << "</text>\n";
  }
  for (const Tick& tick : decade_ticks(y)) {
    const std::string at = svg_number(tick.pixel);
    svg << "<line class=\"grid\" x1=\"" << svg_number(area.left - 5) << "\" y1=\"" << at << "\" x2=\""
        << svg_number(area.right()) << "\" y2=\"" << at << "\"/>\n"
        << "<text class=\"tick\" x=\"" << svg_number(area.left - 8) << "\" y=\"" << svg_number(tick.pixel + 4)
        << "\" text-anchor=\"end\">" << tick.label << "</text>\n";
  }
  svg << "<rect class=\"frame\" x=\"" << svg_number(area.left) << "\" y=\"" << svg_number(area.top) << "\" width=\""
      << svg_number(area.width) << "\" height=\"" << svg_number(area.height) << "\"/>\n"
      << "<text class=\"axis-title\" x=\"" << svg_number(area.left + area.width / 2) << "\" y=\""
      << svg_number(area.bottom() + 40) << "\" text-anchor=\"middle\">" << html_escape(x_title) << "</text>\n";
  const std::string y_title_x = svg_number(area.left - 52);
  const std::string y_title_y = svg_number(area.top + area.height / 2);
  svg << "<text class=\"axis-title\" x=\"" << y_title_x << "\" y=\"" << y_title_y << "\" text-anchor=\"middle\" "
      << "transform=\"rotate(-90 " << y_title_x << " " << y_title_y << ")\">" << html_escape(y_title) << "</text>\n"
      << "</g>\n";
  return svg.str();
}

}  // namespace vigil::report

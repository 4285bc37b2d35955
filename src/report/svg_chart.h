// SPDX-License-Identifier: Apache-2.0
// The drawing primitives of the HTML reports (report/profile_html.h, campaign_html.h): HTML escaping,
// clipping long names, compact number formatting, a log10 scale from data to pixels, the
// decades that cover a set of values, and a pair of log-log axes with a tick, a grid line
// and a label at every decade. They know nothing of layers or rooflines (report/roofline_svg.h
// draws those), and they never print NaN or infinity: non-finite numbers come out as 0.
//
//   const LogScale x{decade_range(intensities), {80.0, 880.0}};
//   svg << "<circle cx=\"" << svg_number(x.map(4.2)) << "\" .../>";
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace vigil::report {

// printf into a std::string.
std::string string_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Text for HTML content or an attribute value: & < > " ' become entities.
std::string html_escape(const std::string& text);

// A long name's informative end: its last `width` bytes, ".." included, cut between
// UTF-8 characters (so perhaps a byte or two shorter).
std::string clip_front(const std::string& text, size_t width);

// A figure for people: three significant digits ("0.0123", "4.56", "789"), whole numbers
// from 1000 on ("12346"), and an exponent only far from 1 ("1.2e-05", "3.4e+15").
std::string format_number(double value);

// A rate as a percentage with one decimal: 0.1234 -> "12.3%".
std::string percent_text(double rate);

// A coordinate in an SVG: two decimals at most, trailing zeros dropped ("12.5", "300").
std::string svg_number(double value);

// Powers of ten: the interval [10^low, 10^high], low < high.
struct Decades {
  int low = 0;
  int high = 1;
};

// The decades strictly around every positive finite value (10^low < v < 10^high, so no
// value sits on an edge); `fallback` when there is none. Others (zero, negative, NaN) are
// ignored.
Decades decade_range(const std::vector<double>& values, Decades fallback = {0, 1});

// Pixels from `from` (at 10^decades.low) to `to` (at 10^decades.high); `to` may be less
// than `from`, as on a y axis that grows upwards.
struct PixelSpan {
  double from = 0.0;
  double to = 1.0;
};

struct LogScale {
  Decades decades;
  PixelSpan pixels;
  // The pixel of a positive value (outside the decades it extrapolates); `pixels.from` for
  // zero, negative or non-finite values, which a log axis cannot show.
  double map(double value) const;
};

struct Tick {
  double value = 0.0;  // 10^k
  double pixel = 0.0;
  std::string label;  // "0.01", "1", "1000", "1e+06": plain from 1e-4 to 1e5
};

// One tick per decade from 10^low to 10^high, both included.
std::vector<Tick> decade_ticks(const LogScale& scale);

// The plot's rectangle in SVG pixels (y grows downwards).
struct PlotArea {
  double left = 0.0;
  double top = 0.0;
  double width = 0.0;
  double height = 0.0;
  double right() const { return left + width; }
  double bottom() const { return top + height; }
};

// The frame of `area`, a grid line and a labelled tick at every decade of `x` (along the
// bottom) and `y` (along the left), and the axes' titles (escaped here). The scales are
// expected to span the area: x from left to right, y from bottom to top.
std::string svg_log_axes(const PlotArea& area, const LogScale& x, const LogScale& y, const std::string& x_title,
                         const std::string& y_title);

}  // namespace vigil::report

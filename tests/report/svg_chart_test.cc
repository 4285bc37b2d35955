// SPDX-License-Identifier: Apache-2.0
// The drawing primitives of the HTML profile report: escaping, compact numbers that are
// never NaN, decades strictly around the data, the log scale and its decade ticks, and
// axes with one labelled tick per decade.
#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace vigil::report {
namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t found = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++found;
  return found;
}

TEST(SvgChart, EscapesHtmlSpecialCharacters) {
  EXPECT_EQ(html_escape("a<b&\"c\" 'd'>"), "a&lt;b&amp;&quot;c&quot; &#39;d&#39;&gt;");
  EXPECT_EQ(html_escape("/layer1/conv"), "/layer1/conv");
  EXPECT_EQ(html_escape(""), "");
}

TEST(SvgChart, FormatsNumbersCompactlyAndNeverAsNan) {
  EXPECT_EQ(format_number(0.0123456), "0.0123");
  EXPECT_EQ(format_number(4.567), "4.57");
  EXPECT_EQ(format_number(789.4), "789");
  EXPECT_EQ(format_number(12345.6), "12346");
  EXPECT_EQ(format_number(1.2e-5), "1.2e-05");
  EXPECT_EQ(format_number(0.0), "0");
  EXPECT_EQ(format_number(std::nan("")), "0");
  EXPECT_EQ(format_number(std::numeric_limits<double>::infinity()), "0");

  EXPECT_EQ(svg_number(12.5), "12.5");
  EXPECT_EQ(svg_number(300.0), "300");
  EXPECT_EQ(svg_number(182.6349), "182.63");
  EXPECT_EQ(svg_number(-0.001), "0");
  EXPECT_EQ(svg_number(std::nan("")), "0");
}

TEST(SvgChart, StringPrintfFormatsAnyLength) {
  EXPECT_EQ(string_printf("%d-%s", 42, "x"), "42-x");
  EXPECT_EQ(string_printf("%s", std::string(1000, 'a').c_str()).size(), 1000u);
  EXPECT_EQ(string_printf("%s", ""), "");
}

TEST(SvgChart, ClipFrontKeepsTheEndOfLongNames) {
  EXPECT_EQ(clip_front("short", 10), "short");
  EXPECT_EQ(clip_front("/layer1/block/conv1", 10), "..ck/conv1");
  // Five two-byte characters: the cut falls inside one, which is left out whole.
  EXPECT_EQ(clip_front("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 5), "..\xC3\xA9");
}

TEST(SvgChart, DecadesLieStrictlyAroundTheValues) {
  const Decades around = decade_range({0.125, 7.4, 0.0, -3.0, std::nan("")});
  EXPECT_EQ(around.low, -1);
  EXPECT_EQ(around.high, 1);
  // A value on a power of ten gets a whole decade on each side, not the edge.
  const Decades hundred = decade_range({100.0});
  EXPECT_EQ(hundred.low, 1);
  EXPECT_EQ(hundred.high, 3);
  const Decades none = decade_range({0.0, std::nan("")}, {-2, 3});
  EXPECT_EQ(none.low, -2);
  EXPECT_EQ(none.high, 3);
}

TEST(SvgChart, LogScaleIsLinearInTheExponent) {
  const LogScale x{{-1, 2}, {100.0, 400.0}};
  EXPECT_DOUBLE_EQ(x.map(0.1), 100.0);
  EXPECT_DOUBLE_EQ(x.map(1.0), 200.0);
  EXPECT_DOUBLE_EQ(x.map(100.0), 400.0);
  EXPECT_NEAR(x.map(std::sqrt(10.0)), 250.0, 1e-9);
  // What a log axis cannot show sits at its start.
  EXPECT_DOUBLE_EQ(x.map(0.0), 100.0);
  EXPECT_DOUBLE_EQ(x.map(-5.0), 100.0);
  EXPECT_DOUBLE_EQ(x.map(std::nan("")), 100.0);
  // An upward y axis: pixels decrease as values grow.
  const LogScale y{{0, 2}, {500.0, 100.0}};
  EXPECT_DOUBLE_EQ(y.map(1.0), 500.0);
  EXPECT_DOUBLE_EQ(y.map(10.0), 300.0);
  EXPECT_DOUBLE_EQ(y.map(100.0), 100.0);
}

TEST(SvgChart, TicksAtEveryDecadeWithPlainLabels) {
  const std::vector<Tick> ticks = decade_ticks({{-2, 1}, {0.0, 300.0}});
  ASSERT_EQ(ticks.size(), 4u);
  const char* labels[] = {"0.01", "0.1", "1", "10"};
  for (size_t i = 0; i < ticks.size(); ++i) {
    EXPECT_EQ(ticks[i].label, labels[i]);
    EXPECT_NEAR(ticks[i].value, std::pow(10.0, static_cast<double>(i) - 2.0), 1e-12);
    EXPECT_NEAR(ticks[i].pixel, 100.0 * static_cast<double>(i), 1e-9);
  }
  const std::vector<Tick> large = decade_ticks({{5, 6}, {0.0, 1.0}});
  EXPECT_EQ(large[0].label, "100000");
  EXPECT_EQ(large[1].label, "1e+06");
}

TEST(SvgChart, AxesHaveATickAndGridLinePerDecadeAndEscapedTitles) {
  const PlotArea area{50.0, 10.0, 300.0, 200.0};
  const LogScale x{{-1, 2}, {area.left, area.right()}};
  const LogScale y{{0, 4}, {area.bottom(), area.top}};
  const std::string svg = svg_log_axes(area, x, y, "op/byte <x>", "GOP/s & more");
  EXPECT_EQ(count(svg, "class=\"tick\""), 4u + 5u);
  EXPECT_EQ(count(svg, "class=\"grid\""), 4u + 5u);
  EXPECT_EQ(count(svg, "class=\"frame\""), 1u);
  EXPECT_NE(svg.find("op/byte &lt;x&gt;"), std::string::npos);
  EXPECT_NE(svg.find("GOP/s &amp; more"), std::string::npos);
  // The x tick at 1 lies a third of the way along; the y tick at 100 halfway up.
  EXPECT_NE(svg.find("x1=\"150\" y1=\"10\" x2=\"150\""), std::string::npos);
  EXPECT_NE(svg.find("y1=\"110\" x2=\"350\" y2=\"110\""), std::string::npos);
}

}  // namespace
}  // namespace vigil::report

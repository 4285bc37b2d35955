// SPDX-License-Identifier: Apache-2.0
// The HTML profile report on a hand-made profile: one mark per layer on the roofline at the
// place its intensity and rate give, escaped names, hollow marks at the edge for layers
// without operations, the int8 roof only where there is an int8 peak, no script and no
// link out, the same bytes every time, and a valid document for an empty profile.
#include "report/profile_html.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <regex>

#include "report/layer_time_svg.h"
#include "report/roofline_svg.h"

namespace vigil::report {

using namespace perf;
namespace {

size_t count(const std::string& text, const std::string& needle) {
  size_t found = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++found;
  return found;
}

// A layer as the profiler would place it against 100 GFLOP/s fp32, 400 GOP/s int8 and 20 GB/s.
LayerProfile layer(const std::string& name, const std::string& op_type, int64_t ops, int64_t bytes, double seconds,
                   bool integer = false) {
  LayerProfile layer;
  layer.name = name;
  layer.op_type = op_type;
  layer.output_shape = "[1,8,4,4]";
  layer.integer = integer;
  layer.cost.ops = ops;
  layer.cost.macs = ops / 2;
  layer.cost.bytes_read = bytes / 2;
  layer.cost.bytes_written = bytes - bytes / 2;
  layer.seconds = seconds;
  layer.intensity = bytes > 0 ? static_cast<double>(ops) / static_cast<double>(bytes) : 0.0;
  layer.achieved_gops = static_cast<double>(ops) / seconds * 1e-9;
  layer.achieved_gbs = static_cast<double>(bytes) / seconds * 1e-9;
  const double peak = integer ? 400.0 : 100.0;
  layer.percent_of_peak = 100.0 * layer.achieved_gops / peak;
  const double roof = std::min(peak, layer.intensity * 20.0);
  layer.percent_of_roof = roof > 0.0 ? 100.0 * layer.achieved_gops / roof : 0.0;
  layer.bound = layer.intensity < peak / 20.0 ? Bound::Memory : Bound::Compute;
  return layer;
}

ModelProfile hand_made_profile() {
  ModelProfile profile;
  profile.model = "models/<tiny> & \"co\".onnx";
  profile.threads = 1;
  profile.runs = 5;
  profile.peaks.cpu_model = "test CPU";
  profile.peaks.cores = 2;
  profile.peaks.clock_ghz = 3.5;
  profile.fp32_peak_gops = 100.0;
  profile.int8_peak_gops = 400.0;
  profile.memory_gbs = 20.0;
  profile.layers = {
      layer("conv", "Conv", 800'000'000, 80'000'000, 0.016),                        // 10 op/byte, 50 GOP/s
      layer("a<b&\"c\"", "Relu", 1'000'000, 8'000'000, 0.001),                      // 0.125 op/byte, 1 GOP/s
      layer("flatten", "Reshape", 0, 8'000'000, 0.0001),                            // no operations
      layer("qconv", "vigil.QLinearConv", 4'000'000'000, 100'000'000, 0.02, true),  // 40 op/byte, 200 GOP/s
  };
  for (const LayerProfile& each : profile.layers) {
    profile.ops += each.cost.ops;
    profile.macs += each.cost.macs;
    profile.layer_seconds += each.seconds;
  }
  profile.latency_seconds = 0.035;
  profile.throughput_per_second = 1.0 / profile.latency_seconds;
  profile.achieved_gops = static_cast<double>(profile.ops) / profile.latency_seconds * 1e-9;
  return profile;
}

// The <circle ...> element whose data-layer is `escaped_name`, up to its opening tag's end.
std::string mark_of(const std::string& html, const std::string& escaped_name) {
  const size_t at = html.find("data-layer=\"" + escaped_name + "\"");
  if (at == std::string::npos) return "";
  const size_t start = html.rfind('<', at);
  return html.substr(start, html.find('>', at) - start + 1);
}

double attribute(const std::string& element, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(element, match, std::regex(" " + name + "=\"([^\"]*)\""))) return std::nan("");
  return std::stod(match[1]);
}

std::string attribute_text(const std::string& element, const std::string& name) {
  std::smatch match;
  return std::regex_search(element, match, std::regex(" " + name + "=\"([^\"]*)\"")) ? match[1].str() : "";
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

TEST(ProfileHtml, OneMarkPerLayerWithItsEscapedName) {
  const std::string html = profile_html(hand_made_profile());
  EXPECT_EQ(count(html, "class=\"layer-mark\""), 4u);
  EXPECT_EQ(count(html, "data-layer=\"conv\""), 1u);
  EXPECT_EQ(count(html, "data-layer=\"flatten\""), 1u);
  EXPECT_EQ(count(html, "data-layer=\"qconv\""), 1u);
  EXPECT_EQ(count(html, "data-layer=\"a&lt;b&amp;&quot;c&quot;\""), 1u);
  EXPECT_EQ(count(html, "a<b&\"c\""), 0u);
  EXPECT_EQ(count(html, "<tiny>"), 0u);
  EXPECT_NE(html.find("models/&lt;tiny&gt; &amp; &quot;co&quot;.onnx"), std::string::npos);
  // Every mark carries its tooltip.
  EXPECT_EQ(count(html, "<title>conv\nop: Conv (fp32)"), 1u);
  EXPECT_NE(html.find("<title>a&lt;b&amp;&quot;c&quot;\nop: Relu"), std::string::npos);
}

TEST(ProfileHtml, SelfContainedWithoutScriptLinksOrNan) {
  const std::string html = lower(profile_html(hand_made_profile()));
  EXPECT_EQ(html.rfind("<!doctype html>", 0), 0u);
  EXPECT_EQ(count(html, "</html>"), 1u);
  EXPECT_EQ(count(html, "<script"), 0u);
  EXPECT_EQ(count(html, "http"), 0u);
  EXPECT_EQ(count(html, "<style>"), 1u);
  EXPECT_FALSE(std::regex_search(html, std::regex("\\b(nan|inf)\\b")));
}

TEST(ProfileHtml, MarksSitWhereTheirIntensityAndRateSay) {
  const ModelProfile profile = hand_made_profile();
  const RooflineLayout layout = roofline_layout(profile);
  // Intensities 0.125 to 40 and a decade either side of the ridges at 5 and 20 op/byte
  // (to 200); rates 1 to 400 GOP/s.
  EXPECT_EQ(layout.x.decades.low, -1);
  EXPECT_EQ(layout.x.decades.high, 3);
  EXPECT_EQ(layout.y.decades.low, -1);
  EXPECT_EQ(layout.y.decades.high, 3);

  const std::string html = profile_html(profile);
  const std::string conv = mark_of(html, "conv");
  ASSERT_FALSE(conv.empty());
  const PlotArea& area = layout.area;
  EXPECT_NEAR(attribute(conv, "cx"), area.left + area.width * (std::log10(10.0) + 1.0) / 4.0, 0.01);
  EXPECT_NEAR(attribute(conv, "cy"), area.bottom() - area.height * (std::log10(50.0) + 1.0) / 4.0, 0.01);
  EXPECT_EQ(attribute_text(conv, "fill"), attribute_text(conv, "stroke"));

  const std::string qconv = mark_of(html, "qconv");
  EXPECT_NEAR(attribute(qconv, "cx"), area.left + area.width * (std::log10(40.0) + 1.0) / 4.0, 0.01);
  EXPECT_NEAR(attribute(qconv, "cy"), area.bottom() - area.height * (std::log10(200.0) + 1.0) / 4.0, 0.01);
  // Colour by bound and data type: compute-bound fp32 and int8 differ, and from memory-bound fp32.
  const std::string relu = mark_of(html, "a&lt;b&amp;&quot;c&quot;");
  EXPECT_NE(attribute_text(conv, "fill"), attribute_text(qconv, "fill"));
  EXPECT_NE(attribute_text(conv, "fill"), attribute_text(relu, "fill"));

  // Mark areas follow the time: qconv took 20 ms, conv 16 ms.
  const double ratio = std::pow(attribute(qconv, "r") / attribute(conv, "r"), 2.0);
  EXPECT_NEAR(ratio, 20.0 / 16.0, 0.01);
  EXPECT_NEAR(attribute(qconv, "r"), layer_mark_radius(0.02 / profile.layer_seconds), 0.01);
}

TEST(ProfileHtml, LayersWithoutOperationsAreHollowAtTheCorner) {
  const ModelProfile profile = hand_made_profile();
  const RooflineLayout layout = roofline_layout(profile);
  const std::string flatten = mark_of(profile_html(profile), "flatten");
  ASSERT_FALSE(flatten.empty());
  EXPECT_EQ(attribute_text(flatten, "fill"), "none");
  EXPECT_NE(attribute_text(flatten, "stroke"), "none");
  EXPECT_NEAR(attribute(flatten, "cx"), layout.area.left, 0.01);
  EXPECT_NEAR(attribute(flatten, "cy"), layout.area.bottom(), 0.01);
  EXPECT_GE(attribute(flatten, "r"), 1.5);
}

TEST(ProfileHtml, LayersWithOperationsButNoTimeAreHollowAtTheBottom) {
  ModelProfile profile = hand_made_profile();
  LayerProfile& relu = profile.layers[1];
  relu.seconds = 0.0;
  relu.achieved_gops = 0.0;
  relu.achieved_gbs = 0.0;
  const RooflineLayout layout = roofline_layout(profile);
  const std::string mark = mark_of(profile_html(profile), "a&lt;b&amp;&quot;c&quot;");
  EXPECT_EQ(attribute_text(mark, "fill"), "none");
  EXPECT_NEAR(attribute(mark, "cx"), layout.x.map(0.125), 0.01);
  EXPECT_NEAR(attribute(mark, "cy"), layout.area.bottom(), 0.01);
}

TEST(ProfileHtml, Int8RoofOnlyWithAnInt8Peak) {
  ModelProfile profile = hand_made_profile();
  std::string html = profile_html(profile);
  EXPECT_EQ(count(html, "<polyline class=\"roof fp32\""), 1u);
  EXPECT_EQ(count(html, "<polyline class=\"roof int8\""), 1u);
  EXPECT_NE(html.find("int8 peak 400 GOP/s"), std::string::npos);
  EXPECT_NE(html.find("fp32 ridge 5 op/byte"), std::string::npos);
  EXPECT_NE(html.find("int8 ridge 20 op/byte"), std::string::npos);
  EXPECT_NE(html.find("memory 20 GB/s"), std::string::npos);

  profile.int8_peak_gops = 0.0;
  html = profile_html(profile);
  EXPECT_EQ(count(html, "<polyline class=\"roof fp32\""), 1u);
  EXPECT_EQ(count(html, "class=\"roof int8\""), 0u);
  EXPECT_EQ(count(html, "int8 peak"), 0u);
  EXPECT_EQ(count(html, "class=\"layer-mark\""), 4u);
}

TEST(ProfileHtml, FlatRoofMeetsTheSlopeAtTheRidge) {
  const ModelProfile profile = hand_made_profile();
  const RooflineLayout layout = roofline_layout(profile);
  const std::string html = profile_html(profile);
  const size_t at = html.find("<polyline class=\"roof fp32\"");
  ASSERT_NE(at, std::string::npos);
  const std::string ridge = svg_number(layout.x.map(5.0)) + "," + svg_number(layout.y.map(100.0));
  const std::string right = svg_number(layout.area.right()) + "," + svg_number(layout.y.map(100.0));
  const std::string polyline = html.substr(at, html.find("/>", at) - at);
  EXPECT_NE(polyline.find(ridge + " " + right), std::string::npos) << polyline;
}

TEST(ProfileHtml, BarsTablesAndHeader) {
  const std::string html = profile_html(hand_made_profile());
  EXPECT_EQ(count(html, "class=\"time-bar\""), 4u);
  // The layer table in execution order.
  const size_t conv = html.find("<td class=\"text name\">conv</td>");
  const size_t relu = html.find("<td class=\"text name\">a&lt;b&amp;&quot;c&quot;</td>");
  const size_t flatten = html.find("<td class=\"text name\">flatten</td>");
  const size_t qconv = html.find("<td class=\"text name\">qconv</td>");
  ASSERT_NE(conv, std::string::npos);
  EXPECT_LT(conv, relu);
  EXPECT_LT(relu, flatten);
  EXPECT_LT(flatten, qconv);
  EXPECT_NE(html.find("<td class=\"text\">vigil.QLinearConv</td><td>1</td><td>20</td>"), std::string::npos);
  for (const char* figure : {"test CPU", "3.5 GHz", "35 ms", "37.1 ms", "4.8 G", "2.4 G", "137 GOP/s"})
    EXPECT_NE(html.find(figure), std::string::npos) << figure;
}

TEST(ProfileHtml, ManyLayersKeepTheLongestBarsAndSumTheRest) {
  ModelProfile profile;
  for (size_t i = 0; i < kMaxTimeBars + 10; ++i) {
    std::string name = "l";  // not "l" + std::to_string(i), which GCC 12 at -O3 warns about (-Wrestrict)
    name += std::to_string(i);
    profile.layers.push_back(layer(name, "Add", 1000, 1000, 0.001 * static_cast<double>(i + 1)));
    profile.layer_seconds += profile.layers.back().seconds;
  }
  const std::string html = profile_html(profile);
  EXPECT_EQ(count(html, "class=\"layer-mark\""), kMaxTimeBars + 10);
  EXPECT_EQ(count(html, "class=\"time-bar\""), kMaxTimeBars);
  EXPECT_NE(html.find(">10 more layers<"), std::string::npos);
  EXPECT_EQ(count(html, "data-layer=\"l0\""), 1u);
}

TEST(ProfileHtml, EmptyProfileIsAValidDocument) {
  const std::string html = profile_html(ModelProfile{});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
  EXPECT_EQ(count(html, "class=\"layer-mark\""), 0u);
  EXPECT_EQ(count(html, "<svg class=\"roofline\""), 1u);
  EXPECT_EQ(count(html, "<polyline"), 0u);
  EXPECT_FALSE(std::regex_search(lower(html), std::regex("\\b(nan|inf)\\b")));
}

TEST(ProfileHtml, SameProfileSameBytes) {
  EXPECT_EQ(profile_html(hand_made_profile()), profile_html(hand_made_profile()));
}

}  // namespace
}  // namespace vigil::report

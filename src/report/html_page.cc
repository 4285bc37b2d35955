// SPDX-License-Identifier: Apache-2.0
// The shared document frame and base style of the HTML reports (html_page.h).
#include "report/html_page.h"

#include "report/svg_chart.h"

namespace vigil::report {

namespace {

constexpr const char* kBaseStyle = R"(
body { font: 14px/1.4 system-ui, sans-serif; color: #222; margin: 24px auto; max-width: 1040px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.subtitle { color: #555; margin: 0 0 12px; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 8px; }
.metric { border: 1px solid #e2e2e2; border-radius: 4px; padding: 6px 10px; background: #fafafa; }
.metric .value { font-size: 17px; font-weight: 600; display: block; }
.metric .label { color: #666; font-size: 12px; }
svg { display: block; max-width: 100%; height: auto; font: 12px system-ui, sans-serif; }
svg .grid { stroke: #e4e4e4; }
svg .frame { fill: none; stroke: #888; }
svg .tick { fill: #555; }
svg .axis-title { fill: #333; font-size: 13px; }
svg .legend text { fill: #333; }
table { border-collapse: collapse; width: 100%; font-size: 12px; }
th, td { padding: 3px 6px; border-bottom: 1px solid #eee; text-align: right; white-space: nowrap; }
th { background: #f3f3f3; position: sticky; top: 0; }
td.text, th.text { text-align: left; }
td.name { white-space: normal; word-break: break-all; }
.scroll { overflow-x: auto; }
)";

}  // namespace

std::string html_document(const std::string& title, const std::string& style, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
         "</title>\n<style>" + kBaseStyle + style + "</style>\n</head>\n<body>\n" + body + "</body>\n</html>\n";
}

void html_metric(std::ostringstream& html, const std::string& value, const std::string& label) {
  html << "<div class=\"metric\"><span class=\"value\">" << html_escape(value) << "</span><span class=\"label\">"
       << html_escape(label) << "</span></div>\n";
}

}  // namespace vigil::report

// SPDX-License-Identifier: Apache-2.0
// The frame the self-contained HTML reports share (profile, inject): the document around a
// body, a base style sheet (headings, metric tiles, tables, SVG text), and the metric tile.
// A report adds its own style rules for its charts. No script, no fonts or images from
// elsewhere: a report opens offline and in any browser.
#pragma once

#include <sstream>
#include <string>

namespace vigil::report {

// <!DOCTYPE html> ... with `title` (escaped here), the base style followed by `style`,
// and `body` as it is.
std::string html_document(const std::string& title, const std::string& style, const std::string& body);

// A tile of the metrics grid (<div class="metrics">): a large value over a small label.
void html_metric(std::ostringstream& html, const std::string& value, const std::string& label);

}  // namespace vigil::report

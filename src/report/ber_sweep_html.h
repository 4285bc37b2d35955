// SPDX-License-Identifier: Apache-2.0
// The HTML page of `vigil inject --ber ... --html FILE`, drawn from the JSON that --json
// writes: accuracy against the bit-error rate on a log axis, the band between the lowest
// and highest accuracy of the error patterns at each rate, the fault-free accuracy as a
// dashed line, and the table of rates. Every rate is one <circle class="ber-point">.
// Self-contained: inline CSS and SVG, no script, no network access.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::report {

// `sweep`: the JSON `vigil inject --ber --json` writes.
std::string ber_sweep_html(const nlohmann::json& sweep);

}  // namespace vigil::report

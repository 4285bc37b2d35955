// SPDX-License-Identifier: Apache-2.0
// The HTML page of a `vigil inject --html FILE` campaign, drawn from the same JSON that
// --json writes, so the page and the file never disagree. Self-contained (inline CSS and
// SVG, no script, no network access): the outcome rates with their intervals, then 100%
// stacked bars of the outcomes by layer, by bit position, and by fault model, spatial
// pattern and value class where the campaign has several. Every bar is a
// <g class="layer-row">, "bit-row" or "fault-row", so that a test can count them against
// the JSON. (A bit-error-rate sweep's page: report/ber_sweep_html.h.)
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::report {

// `campaign`: the JSON of faults::campaign_json.
std::string campaign_html(const nlohmann::json& campaign);

}  // namespace vigil::report

// SPDX-License-Identifier: Apache-2.0
// The HTML report of `vigil dse --html FILE`: one self-contained page (inline CSS and
// SVG, no scripts) with two log-log scatter charts of the design points, energy against
// total latency and area against total latency, the points on the Pareto front of all
// three highlighted and the front of the two plotted quantities drawn as a staircase,
// then the table of every point (those that do not fit with the reason).
#pragma once

#include <string>

#include "accel/design_space.h"

namespace vigil::report {

std::string dse_html(const accel::SweepSpec& sweep, const std::string& workload, const std::string& dataflow,
                     const accel::Exploration& exploration);

}  // namespace vigil::report

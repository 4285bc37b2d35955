// SPDX-License-Identifier: Apache-2.0
// The HTML report of `vigil profile --html FILE`: one self-contained file (inline CSS and
// SVG, no script, no network access) with the roofline of the machine and every layer as
// a mark on it (area proportional to the layer's time), a bar chart of per-layer time,
// and a breakdown of time by operator type, under a header of the model-level metrics.
#pragma once

#include <string>

#include "perf/model_profile.h"

namespace vigil::report {

// The whole document. Every layer of profile.layers gets exactly one
// <circle class="layer-mark" data-layer="NAME" ...> in the roofline SVG, so a test can
// count them.
std::string profile_html(const perf::ModelProfile& profile);

}  // namespace vigil::report

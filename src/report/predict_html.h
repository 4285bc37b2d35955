// SPDX-License-Identifier: Apache-2.0
// The HTML report of `vigil predict --html FILE`: one self-contained page (inline CSS and
// SVG, no scripts) with the totals, the energy of every layer as a bar split by where it
// goes (MACs, each memory level, the array network, DRAM, static power), the energy by
// level over the whole workload, and the per-layer table.
#pragma once

#include <string>

#include "accel/arch_spec.h"
#include "accel/predict.h"

namespace vigil::report {

std::string predict_html(const accel::ArchSpec& arch, const std::string& workload, const accel::Prediction& prediction);

}  // namespace vigil::report

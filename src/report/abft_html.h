// SPDX-License-Identifier: Apache-2.0
// The HTML page of `vigil abft MODEL --html FILE`, drawn from the JSON that --json writes:
// the whole model's time without ABFT and with each scheme, the share of MACs and of
// layers each scheme checks, then every checked layer as a row of two bars, the overhead
// of fused and of separate on that layer in percent of its time without ABFT (to the left
// when a scheme measured faster than none), beside its arithmetic intensity against the
// machine's ridge, and a table of every figure with the scheme --abft auto picks. Every
// checked layer is one <g class="abft-layer">. Self-contained: inline CSS and SVG, no
// script, no network access.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vigil::report {

// `comparison`: the JSON `vigil abft --json` writes.
std::string abft_html(const nlohmann::json& comparison);

}  // namespace vigil::report

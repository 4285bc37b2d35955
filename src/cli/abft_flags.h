// SPDX-License-Identifier: Apache-2.0
// The ABFT flags that `vigil run`, `eval` and `bench` share (--abft, --abft-mode), and the
// summary of what the checks did, on the terminal and in the JSON report.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <map>
#include <string>

#include "abft/abft_options.h"
#include "runtime/session.h"

namespace vigil::cli {

struct AbftFlags {
  std::string scheme = "off";
  std::string mode;  // empty: not given
  // The options for sessions of `threads` threads; a bad-input error for --abft-mode
  // without a scheme. auto reads the machine's ridges from `vigil peaks`' cache (and
  // measures them the first time on this machine).
  abft::Options options(int threads) const;
};

void add_abft_flags(CLI::App& command, AbftFlags& flags);

// Over the inferences the session ran: steps checked, products, detections, corrections;
// {} when ABFT is off. With `feeds`, also the coverage: the share of the model's MACs and
// of its operators (nodes) in checked steps, from one more inference that measures every
// step's cost (runtime/step_costs.h).
nlohmann::json abft_summary(Session& session, const std::map<std::string, Tensor>* feeds = nullptr);
// One line for the terminal ("" when ABFT is off).
std::string abft_summary_line(const nlohmann::json& summary);

}  // namespace vigil::cli

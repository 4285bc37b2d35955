// SPDX-License-Identifier: Apache-2.0
// The ABFT flags and summary (cli/abft_flags.h).
#include "cli/abft_flags.h"

#include <cmath>

#include "abft/machine_ridges.h"
#include "abft/step_checker.h"
#include "core/error.h"
#include "runtime/step_costs.h"

namespace vigil::cli {

abft::Options AbftFlags::options(int threads) const {
  abft::Options options;
  options.scheme = *abft::parse_scheme(scheme);  // the flag's check admits only these names
  if (!mode.empty()) {
    check_input(options.scheme != abft::Scheme::Off, "--abft-mode ", mode,
                ": ABFT is off; choose a scheme with --abft fused, separate or full");
    options.mode = *abft::parse_mode(mode);
  }
  abft::set_machine_ridges(options, threads);
  return options;
}

void add_abft_flags(CLI::App& command, AbftFlags& flags) {
  command
      .add_option("--abft", flags.scheme,
                  "check every Conv, Gemm and MatMul product by checksums: off, fused (inside the GEMM, no pass\n"
                  "of its own over memory), separate (a pass after each product, also covering the packing) or\n"
                  "full (fused, and every other operator run twice and compared) or auto (per layer: separate\n"
                  "where the layer's largest operand alone makes it memory-bound on this machine, fused elsewhere)")
      ->check(CLI::IsMember({"off", "separate", "fused", "full", "auto"}))
      ->default_val("off");
  command
      .add_option("--abft-mode", flags.mode,
                  "what a failed check does: detect (fail with exit code 3, default) or correct (run the layer\n"
                  "again once, fail only if it still disagrees)")
      ->check(CLI::IsMember({"detect", "correct"}));
}

nlohmann::json abft_summary(Session& session, const std::map<std::string, Tensor>* feeds) {
  const abft::StepChecker* checker = session.abft_checker();
  if (!checker) return {};
  abft::StepCounters total;
  int64_t checked_steps = 0, duplicated_steps = 0, separate_steps = 0;
  for (size_t s = 0; s < checker->counters().size(); ++s) {
    const abft::StepCounters& step = checker->counters()[s];
    if (step.products > 0) ++checked_steps;
    if (step.products > 0 && checker->step_scheme(s) == abft::Scheme::Separate) ++separate_steps;
    if (step.duplicated > 0) ++duplicated_steps;
    total.products += step.products;
    total.lines += step.lines;
    total.detections += step.detections;
    total.recomputations += step.recomputations;
    total.corrections += step.corrections;
  }
  // After the totals: measuring the costs runs one more inference.
  nlohmann::json coverage;
  if (feeds) {
    const std::vector<StepCost> costs = measure_step_costs(session, *feeds);
    int64_t macs = 0, checked_macs = 0, covered_steps = 0;
    for (size_t s = 0; s < costs.size(); ++s) {
      const abft::StepCounters& step = checker->counters()[s];
      const bool checked = step.products > 0 || step.duplicated > 0;
      macs += costs[s].cost.macs;
      checked_macs += checked ? costs[s].cost.macs : 0;
      covered_steps += checked;
    }
    coverage = {{"macs", macs},
                {"checked_macs", checked_macs},
                {"mac_share", macs > 0 ? static_cast<double>(checked_macs) / static_cast<double>(macs) : 1.0},
                {"step_share", costs.empty() ? 1.0 : static_cast<double>(covered_steps) / static_cast<double>(costs.size())}};
  }
  return {{"scheme", abft::scheme_name(checker->options().scheme)},
          {"mode", abft::mode_name(checker->options().mode)},
          {"steps", checker->counters().size()},
          {"checked_steps", checked_steps},
          {"duplicated_steps", duplicated_steps},
          {"separate_steps", separate_steps},
          {"products", total.products},
          {"lines", total.lines},
          {"detections", total.detections},
          {"recomputations", total.recomputations},
          {"corrections", total.corrections},
          {"coverage", coverage}};
}

std::string abft_summary_line(const nlohmann::json& summary) {
  if (summary.is_null()) return {};
  return str_cat("  abft   ", summary["scheme"].get<std::string>(), ", ", summary["mode"].get<std::string>(), ": ",
                 summary["checked_steps"].get<int64_t>(), " of ", summary["steps"].get<int64_t>(),
                 " steps checked",
                 summary["duplicated_steps"].get<int64_t>() > 0
                     ? str_cat(" and ", summary["duplicated_steps"].get<int64_t>(), " duplicated")
                     : std::string(),
                 summary["scheme"] == "auto" ? str_cat(" (", summary["separate_steps"].get<int64_t>(), " by separate)")
                                            : std::string(),
                 ", ", summary["products"].get<int64_t>(), " products, ",
                 summary["detections"].get<int64_t>(), " detections, ", summary["corrections"].get<int64_t>(),
                 " corrected by recomputation",
                 summary["coverage"].is_null()
                     ? std::string()
                     : str_cat("; ", std::round(1000 * summary["coverage"]["mac_share"].get<double>()) / 10,
                               "% of the MACs checked"),
                 "\n");
}

}  // namespace vigil::cli

// SPDX-License-Identifier: Apache-2.0
// The ABFT flags and summary (cli/abft_flags.h).
#include "cli/abft_flags.h"

#include "abft/step_checker.h"
#include "core/error.h"

namespace vigil::cli {

abft::Options AbftFlags::options() const {
  abft::Options options;
  options.scheme = *abft::parse_scheme(scheme);  // the flag's check admits only these names
  if (!mode.empty()) {
    check_input(options.scheme != abft::Scheme::Off, "--abft-mode ", mode,
                ": ABFT is off; choose a scheme with --abft separate or --abft fused");
    options.mode = *abft::parse_mode(mode);
  }
  return options;
}

void add_abft_flags(CLI::App& command, AbftFlags& flags) {
  command
      .add_option("--abft", flags.scheme,
                  "check every Conv, Gemm and MatMul product by checksums: off, fused (inside the GEMM, no pass\n"
                  "of its own over memory) or separate (a pass after each product, also covering the packing)")
      ->check(CLI::IsMember({"off", "separate", "fused"}))
      ->default_val("off");
  command
      .add_option("--abft-mode", flags.mode,
                  "what a failed check does: detect (fail with exit code 3, default) or correct (run the layer\n"
                  "again once, fail only if it still disagrees)")
      ->check(CLI::IsMember({"detect", "correct"}));
}

nlohmann::json abft_summary(const Session& session) {
  const abft::StepChecker* checker = session.abft_checker();
  if (!checker) return {};
  abft::StepCounters total;
  int64_t checked_steps = 0;
  for (const abft::StepCounters& step : checker->counters()) {
    if (step.products > 0) ++checked_steps;
    total.products += step.products;
    total.lines += step.lines;
    total.detections += step.detections;
    total.recomputations += step.recomputations;
    total.corrections += step.corrections;
  }
  return {{"scheme", abft::scheme_name(checker->options().scheme)},
          {"mode", abft::mode_name(checker->options().mode)},
          {"steps", checker->counters().size()},
          {"checked_steps", checked_steps},
          {"products", total.products},
          {"lines", total.lines},
          {"detections", total.detections},
          {"recomputations", total.recomputations},
          {"corrections", total.corrections}};
}

std::string abft_summary_line(const nlohmann::json& summary) {
  if (summary.is_null()) return {};
  return str_cat("  abft   ", summary["scheme"].get<std::string>(), ", ", summary["mode"].get<std::string>(), ": ",
                 summary["checked_steps"].get<int64_t>(), " of ", summary["steps"].get<int64_t>(),
                 " steps checked, ", summary["products"].get<int64_t>(), " products, ",
                 summary["detections"].get<int64_t>(), " detections, ", summary["corrections"].get<int64_t>(),
                 " corrected by recomputation\n");
}

}  // namespace vigil::cli

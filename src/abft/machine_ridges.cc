// SPDX-License-Identifier: Apache-2.0
// The ridge points of auto from the machine's peaks (abft/machine_ridges.h).
#include "abft/machine_ridges.h"

#include "core/error.h"
#include "perf/peaks_cache.h"

namespace vigil::abft {

void set_machine_ridges(Options& options, int threads) {
  if (options.scheme != Scheme::Auto) return;
  const perf::MachinePeaks peaks = perf::find_machine_peaks(false, 0).peaks;
  options.fp32_ridge = peaks.memory_gbs(threads) > 0 ? peaks.fp32_ridge(threads) : 0;
  options.int8_ridge = peaks.memory_gbs(threads) > 0 ? peaks.int8_ridge(threads) : 0;
}

Options options_by_name(std::string_view scheme, std::string_view mode, int threads, std::string_view source) {
  Options options;
  if (!scheme.empty()) {
    const std::optional<Scheme> parsed = parse_scheme(scheme);
    check_input(parsed.has_value(), source, ": abft '", scheme, "' is none of off, fused, separate, full, auto");
    options.scheme = *parsed;
  }
  if (!mode.empty()) {
    const std::optional<Mode> parsed = parse_mode(mode);
    check_input(parsed.has_value(), source, ": abft_mode '", mode, "' is neither detect nor correct");
    check_input(options.scheme != Scheme::Off, source, ": abft_mode '", mode, "' needs an abft scheme other than off");
    options.mode = *parsed;
  }
  set_machine_ridges(options, threads);
  return options;
}

}  // namespace vigil::abft

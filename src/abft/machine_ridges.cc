// SPDX-License-Identifier: Apache-2.0
// The ridge points of auto from the machine's peaks (abft/machine_ridges.h).
#include "abft/machine_ridges.h"

#include "perf/peaks_cache.h"

namespace vigil::abft {

void set_machine_ridges(Options& options, int threads) {
  if (options.scheme != Scheme::Auto) return;
  const perf::MachinePeaks peaks = perf::find_machine_peaks(false, 0).peaks;
  options.fp32_ridge = peaks.memory_gbs(threads) > 0 ? peaks.fp32_ridge(threads) : 0;
  options.int8_ridge = peaks.memory_gbs(threads) > 0 ? peaks.int8_ridge(threads) : 0;
}

}  // namespace vigil::abft

// The roofline figures of machine_peaks.h: interpolating between one core and all cores,
// the theory at the measured clock, and measuring all of it (each figure by its own
// module: perf/fp32_peak.h, perf/int8_peak.h, perf/memory_bandwidth.h, perf/clock_speed.h).
#include "perf/machine_peaks.h"

#include <algorithm>

namespace vigil::perf {

namespace {

// one_core at 1 thread, all_cores at `cores` threads or more, linear in between.
double at_threads(const PeakPair& pair, int cores, int threads) {
  if (threads <= 1 || cores <= 1) return pair.one_core;
  if (threads >= cores) return pair.all_cores;
  const double share = static_cast<double>(threads - 1) / static_cast<double>(cores - 1);
  return pair.one_core + share * (pair.all_cores - pair.one_core);
}

}  // namespace

double MachinePeaks::fp32_gflops(int threads) const {
  return std::max(at_threads(fp32_avx2, cores, threads), at_threads(fp32_avx512, cores, threads));
}

double MachinePeaks::int8_gops(int threads) const { return at_threads(int8, cores, threads); }

double MachinePeaks::memory_gbs(int threads) const { return at_threads(triad_gbs, cores, threads); }

}  // namespace vigil::perf

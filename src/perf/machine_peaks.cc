// SPDX-License-Identifier: Apache-2.0
// The roofline figures of machine_peaks.h: interpolating between one core and all cores,
// the theory at the measured clock, and measuring all of it (each figure by its own
// module: perf/fp32_peak.h, perf/int8_peak.h, perf/bitserial_peak.h, perf/memory_bandwidth.h, perf/clock_speed.h).
#include "perf/machine_peaks.h"

#include <algorithm>

#include "core/cpu_features.h"
#include "core/thread_pool.h"
#include "perf/bitserial_peak.h"
#include "perf/clock_speed.h"
#include "perf/fp32_peak.h"
#include "perf/int8_peak.h"
#include "perf/memory_bandwidth.h"
#include "perf/peaks_cache.h"

namespace vigil::perf {

namespace {

// one_core at 1 thread, all_cores at `cores` threads or more, linear in between.
double at_threads(const PeakPair& pair, int cores, int threads) {
  if (threads <= 1 || cores <= 1) return pair.one_core;
  if (threads >= cores) return pair.all_cores;
  const double share = static_cast<double>(threads - 1) / static_cast<double>(cores - 1);
  return pair.one_core + share * (pair.all_cores - pair.one_core);
}

// Timing lengths: long enough to be steady, short enough that all of it takes seconds.
constexpr double kArithmeticSeconds = 0.03;
constexpr int kArithmeticRepeats = 10;
constexpr int kBandwidthRepeats = 8;

PeakPair fp32_pair(Isa isa, int cores) {
  if (isa > detected_isa()) return {};
  return {measure_fp32_peak(isa, 1, kArithmeticSeconds, kArithmeticRepeats).gflops,
          measure_fp32_peak(isa, cores, kArithmeticSeconds, kArithmeticRepeats).gflops};
}

}  // namespace

double MachinePeaks::fp32_gflops(int threads) const {
  return std::max(at_threads(fp32_avx2, cores, threads), at_threads(fp32_avx512, cores, threads));
}

double MachinePeaks::int8_gops(int threads) const { return at_threads(int8, cores, threads); }

double MachinePeaks::bitserial_gops(int threads) const { return at_threads(bitserial, cores, threads); }

double MachinePeaks::memory_gbs(int threads) const { return at_threads(triad_gbs, cores, threads); }

TheoreticalPeaks theoretical_peaks(const MachinePeaks& measured) {
  TheoreticalPeaks theory;
  const double cycles = measured.clock_ghz;  // 1e9 cycles per second
  if (measured.fp32_avx2.one_core > 0.0) theory.fp32_avx2_gflops = 32.0 * cycles;
  if (measured.fp32_avx512.one_core > 0.0) theory.fp32_avx512_gflops = 64.0 * cycles;
  if (measured.int8.one_core > 0.0) {
    const double per_cycle = measured.int8_loop == kernels::s8_dot_peak__avx512vnni.name ? 256.0
                             : measured.int8_loop == kernels::s8_dot_peak__avxvnni.name  ? 128.0
                                                                                         : 64.0;
    theory.int8_gops = per_cycle * cycles;
  }
  return theory;
}

MachinePeaks measure_machine_peaks(int threads) {
  MachinePeaks peaks;
  peaks.cpu_model = cpu_model_name();
  peaks.cores = threads >= 1 ? threads : available_cpus();
  peaks.clock_ghz = measure_clock_ghz();
  peaks.fp32_avx2 = fp32_pair(Isa::Avx2, peaks.cores);
  peaks.fp32_avx512 = fp32_pair(Isa::Avx512, peaks.cores);
  if (int8_peak_loop() != nullptr) {
    const Int8Peak one = measure_int8_peak(1, kArithmeticSeconds, kArithmeticRepeats);
    peaks.int8 = {one.gops, measure_int8_peak(peaks.cores, kArithmeticSeconds, kArithmeticRepeats).gops};
    peaks.int8_loop = one.loop;
  }
  if (bitserial_peak_loop() != nullptr) {
    const BitSerialPeak one = measure_bitserial_peak(1, kArithmeticSeconds, kArithmeticRepeats);
    peaks.bitserial = {one.gops, measure_bitserial_peak(peaks.cores, kArithmeticSeconds, kArithmeticRepeats).gops};
    peaks.bitserial_loop = one.loop;
  }
  const MemoryBandwidth one = measure_memory_bandwidth(1, 0, kBandwidthRepeats);
  const MemoryBandwidth all = measure_memory_bandwidth(peaks.cores, 0, kBandwidthRepeats);
  peaks.read_gbs = {one.read_gbs, all.read_gbs};
  peaks.triad_gbs = {one.triad_gbs, all.triad_gbs};
  return peaks;
}

MachinePeaks cached_machine_peaks(bool force) { return find_machine_peaks(force, 0).peaks; }

}  // namespace vigil::perf

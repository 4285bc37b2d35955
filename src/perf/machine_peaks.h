// SPDX-License-Identifier: Apache-2.0
// The machine's measured roofline: arithmetic peaks (fp32 FMA per vector path, int8 dot
// products, 1-bit products) and memory bandwidth (read-only and triad over buffers far larger than the
// last-level cache), on one core and on all cores, with the clock they ran at. `vigil
// peaks` prints them; the profiler (perf/model_profile.h) places every layer against them;
// the per-layer fault-tolerance policy reads a layer's intensity against the ridge point.
// Measuring takes a few seconds, so the figures are cached per CPU model in the user's
// cache directory (perf/peaks_cache.h) and reused.
//
//   const perf::MachinePeaks peaks = perf::cached_machine_peaks();
//   double ridge = peaks.fp32_ridge(1);   // flop per byte where one core stops being memory-bound
#pragma once

#include <string>

namespace vigil::perf {

// One figure on one core and on all cores (threads = MachinePeaks::cores).
struct PeakPair {
  double one_core = 0.0;
  double all_cores = 0.0;
};

struct MachinePeaks {
  std::string cpu_model;   // the processor's brand string (cpuid)
  int cores = 0;           // threads of the "all cores" figures (default: every CPU this process may use)
  double clock_ghz = 0.0;  // one core's clock under load, from a chain of dependent adds

  // Arithmetic, in 1e9 operations per second (a multiply-add counts as two). Zero where
  // this CPU lacks the path.
  PeakPair fp32_avx2;          // GFLOP/s, f32_fma_peak__avx2
  PeakPair fp32_avx512;        // GFLOP/s, f32_fma_peak__avx512
  PeakPair int8;               // GOP/s, the best int8 dot-product loop the CPU runs
  std::string int8_loop;       // its name, e.g. "s8_dot_peak__avx2" or "s8_dot_peak__avx512vnni"
  PeakPair bitserial;          // GOP/s of 1-bit products (AND, popcount, add), the best loop the CPU runs
  std::string bitserial_loop;  // its name, e.g. "bitserial_peak__avx512vpopcntdq"

  // Memory, in 1e9 bytes per second: a read-only sum, and the STREAM triad
  // a[i] = b[i] + s * c[i] counted as STREAM counts it (two reads and one write per
  // element; the write-allocate read is not counted).
  PeakPair read_gbs;
  PeakPair triad_gbs;

  // The best fp32 path's peak, the int8 peak and the triad bandwidth on `threads`
  // threads: one_core at 1, all_cores at `cores` or more, linear in between.
  double fp32_gflops(int threads) const;
  double int8_gops(int threads) const;
  double bitserial_gops(int threads) const;
  double memory_gbs(int threads) const;
  // Ridge points in operations per byte: below them a layer is memory-bound.
  double fp32_ridge(int threads) const { return fp32_gflops(threads) / memory_gbs(threads); }
  double int8_ridge(int threads) const { return int8_gops(threads) / memory_gbs(threads); }
};

// What one core could give at the measured clock: fp32 two FMA pipes x lanes x 2 per
// cycle (32 flop/cycle with AVX2, 64 with AVX-512); int8 256 op/cycle with AVX-512 VNNI
// (two vpdpbusd of 64 byte products per cycle), 128 with AVX-VNNI (the same on ymm) and 64
// without (32 byte products a cycle: each needs a vpmaddubsw and a vpmaddwd, and both
// share the two multiply pipes). Zero where the CPU lacks the path. The per-cycle figures
// are those of AMD Zen 4/5 and Intel cores with two FMA units; `vigil peaks` prints
// measured over theory.
struct TheoreticalPeaks {
  double fp32_avx2_gflops = 0.0;
  double fp32_avx512_gflops = 0.0;
  double int8_gops = 0.0;
};
TheoreticalPeaks theoretical_peaks(const MachinePeaks& measured);

// Measures everything now (a few seconds). `threads` < 1 means every CPU this process may use.
MachinePeaks measure_machine_peaks(int threads = 0);

// The figures cached for this CPU model and core count if there are any and `force` is
// false; otherwise measures them and writes the cache (a warning, not an error, if it
// cannot be written).
MachinePeaks cached_machine_peaks(bool force = false);

}  // namespace vigil::perf

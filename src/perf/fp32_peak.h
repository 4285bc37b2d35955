// SPDX-License-Identifier: Apache-2.0
// The measured fp32 arithmetic peak of this machine: how many GFLOP/s the FMA units give
// on one instruction-set path, on one core and on N threads. It is the yardstick for the
// GEMM micro-benchmarks (bench/micro/, "percent of peak") and for `vigil peaks`. The
// numbers come from timing the FMA throughput loops of kernels/f32_fma_peak.h, not from a
// table of processor models, so they include what the machine really gives: clock speed
// under load, SMT siblings, a hypervisor's share.
//
//   const perf::Fp32Peak one = perf::measure_fp32_peak(Isa::Avx2, 1);
//   std::cout << one.gflops << " GFLOP/s on one core with " << one.loop << "\n";
#pragma once

#include "core/cpu_features.h"
#include "kernels/f32_fma_peak.h"

namespace vigil::perf {

struct Fp32Peak {
  Isa isa = Isa::Scalar;  // the path measured
  const char* loop = "";  // the kernel timed, e.g. "f32_fma_peak__avx2"
  int threads = 0;        // threads that ran the loop at once
  double gflops = 0.0;    // all threads together: 1e9 floating-point operations (FMA = 2) per CPU second
  double gflops_per_thread() const { return threads > 0 ? gflops / threads : 0.0; }
};

// The FMA throughput loop of a path; nullptr for the scalar path, which has none (its
// kernels are the reference, not a speed target).
const kernels::F32FmaPeakLoop* fp32_peak_loop(Isa isa);

// The best vector path at or below `isa` that has a loop and that this CPU runs: the path
// whose peak a kernel of path `isa` is measured against (the scalar path's is the
// machine's lowest vector peak). Nothing if the CPU has no vector path.
const kernels::F32FmaPeakLoop* fp32_peak_loop_for(Isa isa);

// Times the loop of `isa` on `threads` threads at once, each running it for about
// `seconds` of its own CPU time, and keeps the best of `repeats` timings (the least
// disturbed one). The figure is the sum of the threads' rates, each on its own CPU clock:
// what the cores give while the threads run (SMT siblings sharing a core, clock speed
// under load included), not less when a busy machine deschedules a thread for a while. A
// bad-input Error if the path has no loop or the CPU lacks it, or if threads < 1. Takes
// about repeats x seconds; callers that need the figure often should keep it.
Fp32Peak measure_fp32_peak(Isa isa, int threads, double seconds = 0.02, int repeats = 5);

}  // namespace vigil::perf

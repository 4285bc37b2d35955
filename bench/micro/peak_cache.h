// The measured fp32 peak (perf/fp32_peak.h) as the micro-benchmarks divide by it: measured
// once per (path, threads) the first time a benchmark asks, then kept.
#pragma once

#include "core/cpu_features.h"

namespace vigil::bench {

// The peak GFLOP/s that kernels of path `isa` are held against (perf::fp32_peak_loop_for)
// on `threads` threads; 0 when this CPU has no vector path.
double peak_gflops(Isa isa, int threads);

}  // namespace vigil::bench

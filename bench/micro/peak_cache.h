// SPDX-License-Identifier: Apache-2.0
// The measured fp32 and int8 peaks (perf/fp32_peak.h, perf/int8_peak.h) as the
// micro-benchmarks divide by them: measured once per (loop, threads) the first time a
// benchmark asks, then kept.
#pragma once

#include "core/cpu_features.h"
#include "kernels/qs8_gemm.h"

namespace vigil::bench {

// The peak GFLOP/s that kernels of path `isa` are held against (perf::fp32_peak_loop_for)
// on `threads` threads; 0 when this CPU has no vector path.
double peak_gflops(Isa isa, int threads);

// The peak int8 GOP/s (a multiply and its add are two) of the dot-product loop of the int8
// GEMM's `path` (kernels/s8_dot_peak.h: AVX-512 VNNI, AVX-VNNI or AVX2) on `threads`
// threads; 0 on the scalar path.
double peak_int8_gops(const kernels::QS8MicroKernel& kernel, int threads);

}  // namespace vigil::bench

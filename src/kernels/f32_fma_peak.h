// SPDX-License-Identifier: Apache-2.0
// FMA throughput loops: the arithmetic peak of one core on each vector path, the yardstick
// that perf/fp32_peak.h times and the micro-benchmarks divide by. Each loop runs several
// independent chains of `acc = acc * multiplier + addend` on full vector registers, enough
// chains to cover the FMA latency on every FMA pipe, so that only throughput limits it.
// One translation unit per path (kernels/x86/<isa>/f32_fma_peak__<isa>.cc).
#pragma once

#include <cstdint>

#include "core/cpu_features.h"

namespace vigil::kernels {

// state: chains x lanes floats, chain-major; the starting accumulators on entry, the
// accumulators after `iterations` fused multiply-adds each on return.
using F32FmaPeakFunction = void (*)(int64_t iterations, float multiplier, float addend, float* state);

struct F32FmaPeakLoop {
  const char* name;
  Isa isa;
  int chains;  // independent accumulators
  int lanes;   // floats per vector register
  F32FmaPeakFunction run;
  // Floating-point operations of one call: a fused multiply-add counts as two.
  double flops(int64_t iterations) const { return 2.0 * static_cast<double>(iterations) * chains * lanes; }
};

extern const F32FmaPeakLoop f32_fma_peak__avx2;
extern const F32FmaPeakLoop f32_fma_peak__avx512;

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// Timing the FMA throughput loops through perf/throughput_timing.h.
#include "perf/fp32_peak.h"

#include <algorithm>

#include "core/error.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

namespace {

// Room for the largest loop's state (chains x lanes floats).
constexpr int kMaxStateFloats = 32 * 16;

}  // namespace

const kernels::F32FmaPeakLoop* fp32_peak_loop(Isa isa) {
  switch (isa) {
    case Isa::Avx2: return &kernels::f32_fma_peak__avx2;
    case Isa::Avx512: return &kernels::f32_fma_peak__avx512;
    case Isa::Scalar: break;
  }
  return nullptr;
}

const kernels::F32FmaPeakLoop* fp32_peak_loop_for(Isa isa) {
  return fp32_peak_loop(std::min(std::max(isa, Isa::Avx2), detected_isa()));
}

Fp32Peak measure_fp32_peak(Isa isa, int threads, double seconds, int repeats) {
  const kernels::F32FmaPeakLoop* loop = fp32_peak_loop(isa);
  check_input(loop != nullptr, "fp32 peak: the ", isa_name(isa), " path has no FMA loop");
  check_input(isa <= detected_isa(), "fp32 peak: this CPU cannot run the ", isa_name(isa), " path");

  // The multiplier 1 and addend 0 keep every value at 1.0 (no overflow, no denormals,
  // whatever the count); the hardware does not shortcut them.
  const ThroughputLoop run = [loop](int64_t iterations) {
    alignas(64) float state[kMaxStateFloats];
    std::fill(state, state + loop->chains * loop->lanes, 1.0f);
    loop->run(iterations, 1.0f, 0.0f, state);
    return loop->flops(iterations);
  };
  const Throughput measured = measure_throughput("fp32 peak", run, threads, seconds, repeats);
  Fp32Peak peak;
  peak.isa = isa;
  peak.loop = loop->name;
  peak.threads = measured.threads;
  peak.gflops = measured.ops_per_second * 1e-9;
  return peak;
}

}  // namespace vigil::perf

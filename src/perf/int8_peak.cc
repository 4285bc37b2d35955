// SPDX-License-Identifier: Apache-2.0
// Timing the int8 dot-product loops through perf/throughput_timing.h.
#include "perf/int8_peak.h"

#include <algorithm>

#include "core/cpu_features.h"
#include "core/error.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

namespace {

// Room for the largest loop's state (chains x lanes int32).
constexpr int kMaxStateLanes = 16 * 16;

}  // namespace

const kernels::S8DotPeakLoop* int8_peak_loop() { return kernels::s8_dot_peak_loop(detected_features()); }

Int8Peak measure_int8_peak(int threads, double seconds, int repeats) {
  const kernels::S8DotPeakLoop* loop = int8_peak_loop();
  check_input(loop != nullptr, "int8 peak: this CPU has no int8 vector path (AVX2 at least)");
  return measure_int8_peak(*loop, threads, seconds, repeats);
}

Int8Peak measure_int8_peak(const kernels::S8DotPeakLoop& loop, int threads, double seconds, int repeats) {
  // Products of 1 x 1: the accumulators cannot overflow in any count a timing reaches.
  const ThroughputLoop run = [&loop](int64_t iterations) {
    alignas(64) int32_t state[kMaxStateLanes] = {};
    loop.run(iterations, 1, 1, state);
    return loop.ops(iterations);
  };
  const Throughput measured = measure_throughput("int8 peak", run, threads, seconds, repeats);
  return {loop.name, measured.threads, measured.ops_per_second * 1e-9};
}

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// Timing the bit-product loops through perf/throughput_timing.h.
#include "perf/bitserial_peak.h"

#include "core/cpu_features.h"
#include "core/error.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

namespace {

// Room for the largest loop's state (chains x lanes uint64).
constexpr int kMaxStateLanes = 16 * 8;

}  // namespace

const kernels::BitSerialPeakLoop* bitserial_peak_loop() { return kernels::bitserial_peak_loop(detected_features()); }

BitSerialPeak measure_bitserial_peak(int threads, double seconds, int repeats) {
  const kernels::BitSerialPeakLoop* loop = bitserial_peak_loop();
  check_input(loop != nullptr, "bit-serial peak: this CPU has no vector path for it (AVX2 at least)");
  const ThroughputLoop run = [loop](int64_t iterations) {
    alignas(64) uint64_t state[kMaxStateLanes] = {};
    loop->run(iterations, ~uint64_t{0}, ~uint64_t{0}, state);
    return loop->ops(iterations);
  };
  const Throughput measured = measure_throughput("bit-serial peak", run, threads, seconds, repeats);
  return {loop->name, measured.threads, measured.ops_per_second * 1e-9};
}

}  // namespace vigil::perf

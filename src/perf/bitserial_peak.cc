// SPDX-License-Identifier: Apache-2.0
// Timing the bit-product loops through perf/throughput_timing.h.
#include "perf/bitserial_peak.h"

#include "core/cpu_features.h"
#include "core/error.h"

namespace vigil::perf {

const kernels::BitSerialPeakLoop* bitserial_peak_loop() { return kernels::bitserial_peak_loop(detected_features()); }

BitSerialPeak measure_bitserial_peak(int threads, double seconds, int repeats) {
  const kernels::BitSerialPeakLoop* loop = bitserial_peak_loop();
  check_input(loop != nullptr, "bit-serial peak: this CPU has no vector path for it (AVX2 at least)");
  return measure_loop_peak<uint64_t>("bit-serial peak", *loop, ~uint64_t{0}, ~uint64_t{0}, threads, seconds, repeats);
}

}  // namespace vigil::perf

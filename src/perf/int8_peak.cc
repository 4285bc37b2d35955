// SPDX-License-Identifier: Apache-2.0
// Timing the int8 dot-product loops through perf/throughput_timing.h.
#include "perf/int8_peak.h"

#include "core/cpu_features.h"
#include "core/error.h"
#include "perf/throughput_timing.h"

namespace vigil::perf {

const kernels::S8DotPeakLoop* int8_peak_loop() { return kernels::s8_dot_peak_loop(detected_features()); }

Int8Peak measure_int8_peak(int threads, double seconds, int repeats) {
  const kernels::S8DotPeakLoop* loop = int8_peak_loop();
  check_input(loop != nullptr, "int8 peak: this CPU has no int8 vector path (AVX2 at least)");
  return measure_int8_peak(*loop, threads, seconds, repeats);
}

Int8Peak measure_int8_peak(const kernels::S8DotPeakLoop& loop, int threads, double seconds, int repeats) {
  // Products of 1 x 1: the accumulators cannot overflow in any count a timing reaches.
  return measure_loop_peak<int32_t>("int8 peak", loop, uint8_t{1}, int8_t{1}, threads, seconds, repeats);
}

}  // namespace vigil::perf

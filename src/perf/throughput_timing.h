// SPDX-License-Identifier: Apache-2.0
// Timing a throughput loop on one or more cores: the common part of the arithmetic peaks
// (perf/fp32_peak.h, perf/int8_peak.h) and of the clock measurement (perf/clock_speed.h).
// The loop is calibrated on one thread, then run on every thread at once (core/thread_pool.h's
// on_every_thread) per timing. Each thread is timed on its own CPU clock
// (CLOCK_THREAD_CPUTIME_ID), so time it spends descheduled on a busy machine does not
// count; on an idle machine the CPU clock and the wall clock agree.
#pragma once

#include <cstdint>
#include <functional>

namespace vigil::perf {

// Runs the loop `iterations` times on the calling thread and returns the operations it did.
using ThroughputLoop = std::function<double(int64_t iterations)>;

struct Throughput {
  int threads = 0;              // threads that ran the loop at once
  double ops_per_second = 0.0;  // all threads together: the sum of their rates
};

// The best of `repeats` timings of `threads` threads, each running the loop for about
// `seconds` of its own CPU time. A bad-input Error if threads < 1, seconds <= 0 or
// repeats < 1 (`what` names the measurement in the message).
Throughput measure_throughput(const char* what, const ThroughputLoop& loop, int threads, double seconds, int repeats);

}  // namespace vigil::perf

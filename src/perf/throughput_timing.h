// SPDX-License-Identifier: Apache-2.0
// Timing a throughput loop on one or more cores: the common part of the arithmetic peaks
// (perf/fp32_peak.h, perf/int8_peak.h, perf/bitserial_peak.h) and of the clock measurement
// (perf/clock_speed.h).
// The loop is calibrated on one thread, then run on every thread at once (core/thread_pool.h's
// on_every_thread) per timing. Each thread is timed on its own CPU clock
// (CLOCK_THREAD_CPUTIME_ID), so time it spends descheduled on a busy machine does not
// count; on an idle machine the CPU clock and the wall clock agree.
#pragma once

#include <cassert>
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

// What one of the kernels' peak loops gives (kernels/s8_dot_peak.h, kernels/bitserial_peak.h).
struct LoopPeak {
  const char* loop = "";  // the kernel timed
  int threads = 0;
  double gops = 0.0;  // all threads together
};

// Times such a loop (name, chains x lanes of State, run(iterations, a, b, state),
// ops(iterations)) on inputs a and b as measure_throughput does.
template <typename State, typename Loop, typename A, typename B>
LoopPeak measure_loop_peak(const char* what, const Loop& loop, A a, B b, int threads, double seconds, int repeats) {
  constexpr int kMaxStateLanes = 256;  // the largest loop's chains x lanes
  assert(loop.chains * loop.lanes <= kMaxStateLanes);
  const ThroughputLoop run = [&](int64_t iterations) {
    alignas(64) State state[kMaxStateLanes] = {};
    loop.run(iterations, a, b, state);
    return loop.ops(iterations);
  };
  const Throughput measured = measure_throughput(what, run, threads, seconds, repeats);
  return {loop.name, measured.threads, measured.ops_per_second * 1e-9};
}

}  // namespace vigil::perf

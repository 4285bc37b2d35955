// SPDX-License-Identifier: Apache-2.0
// Calibrating and timing throughput loops (throughput_timing.h).
#include "perf/throughput_timing.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"
#include "perf/cpu_clock.h"

namespace vigil::perf {

namespace {

// The loop's operations per CPU second on the calling thread.
double rate(const ThroughputLoop& loop, int64_t iterations) {
  const double start = thread_cpu_seconds();
  const double ops = loop(iterations);
  return ops / std::max(thread_cpu_seconds() - start, 1e-9);
}

}  // namespace

Throughput measure_throughput(const char* what, const ThroughputLoop& loop, int threads, double seconds, int repeats) {
  check_input(threads >= 1, what, ": threads must be at least 1, not ", threads);
  check_input(seconds > 0.0 && repeats >= 1, what, ": the timing must last (seconds > 0, repeats >= 1)");

  // Calibrate on one thread: grow the count until a call lasts a measurable time.
  int64_t iterations = 1 << 12;
  double elapsed = 0.0;
  for (;;) {
    const double start = thread_cpu_seconds();
    loop(iterations);
    elapsed = thread_cpu_seconds() - start;
    if (elapsed >= 0.002) break;
    iterations *= 4;
  }
  iterations = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(iterations) * seconds / elapsed));

  Throughput best;
  // The first region starts the threads and is not counted. The threads' rates add up.
  for (int repeat = 0; repeat <= repeats; ++repeat) {
    std::vector<double> rates(static_cast<size_t>(threads));
    on_every_thread(threads, [&](int thread, int) { rates[thread] = rate(loop, iterations); });
    double total = 0.0;
    for (const double thread_rate : rates) total += thread_rate;
    if (repeat > 0 && total > best.ops_per_second) best = {threads, total};
  }
  return best;
}

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// The calling thread's CPU clock, for timings that should not count the time a thread
// spends descheduled on a busy, shared machine (perf/fp32_peak.cc, bench/micro/). On an
// idle machine it advances with the wall clock while the thread computes.
#pragma once

namespace vigil::perf {

// CPU seconds the calling thread has run (CLOCK_THREAD_CPUTIME_ID).
double thread_cpu_seconds();

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// The thread CPU clock through POSIX clock_gettime.
#include "perf/cpu_clock.h"

#include <time.h>

namespace vigil::perf {

double thread_cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

}  // namespace vigil::perf

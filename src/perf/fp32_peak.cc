// Timing the FMA throughput loops: calibrate an iteration count on one thread, then run
// the loop on every thread at once inside one OpenMP region per timing. Each thread is
// timed on its own CPU clock (CLOCK_THREAD_CPUTIME_ID), so time it spends descheduled on
// a busy machine does not count; on an idle machine the CPU clock and the wall clock agree.
#include "perf/fp32_peak.h"

#include <omp.h>

#include <algorithm>

#include "core/error.h"
#include "perf/cpu_clock.h"

namespace vigil::perf {

namespace {

// Room for the largest loop's state (chains x lanes floats).
constexpr int kMaxStateFloats = 32 * 16;

// One call of the loop on fresh accumulators. The multiplier 1 and addend 0 keep every
// value at 1.0 (no overflow, no denormals, whatever the count); the hardware does not
// shortcut them.
void run_loop(const kernels::F32FmaPeakLoop& loop, int64_t iterations) {
  alignas(64) float state[kMaxStateFloats];
  std::fill(state, state + loop.chains * loop.lanes, 1.0f);
  loop.run(iterations, 1.0f, 0.0f, state);
}

// The loop's CPU seconds for `iterations` on the calling thread.
double time_loop(const kernels::F32FmaPeakLoop& loop, int64_t iterations) {
  const double start = thread_cpu_seconds();
  run_loop(loop, iterations);
  return thread_cpu_seconds() - start;
}

}  // namespace

const kernels::F32FmaPeakLoop* fp32_peak_loop(Isa isa) {
  switch (isa) {
    case Isa::Avx2:
      return &kernels::f32_fma_peak__avx2;
    case Isa::Avx512:
      return &kernels::f32_fma_peak__avx512;
    case Isa::Scalar:
      break;
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
  check_input(threads >= 1, "fp32 peak: threads must be at least 1, not ", threads);
  check_input(seconds > 0.0 && repeats >= 1, "fp32 peak: the timing must last (seconds > 0, repeats >= 1)");
  static_assert(kMaxStateFloats >= 16 * 16, "the state buffer must hold the largest loop's accumulators");

  // Calibrate on one thread: grow the count until a call lasts a measurable time.
  int64_t iterations = 1 << 14;
  double elapsed = 0.0;
  for (;;) {
    elapsed = time_loop(*loop, iterations);
    if (elapsed >= 0.002) break;
    iterations *= 4;
  }
  iterations = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(iterations) * seconds / elapsed));

  Fp32Peak peak;
  peak.isa = isa;
  peak.loop = loop->name;
  // The first region starts the threads and is not counted. The threads' rates add up.
  for (int repeat = 0; repeat <= repeats; ++repeat) {
    int team = 0;
    double gflops = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : gflops)
    {
#pragma omp single
      team = omp_get_num_threads();
      gflops = loop->flops(iterations) / time_loop(*loop, iterations) * 1e-9;
    }
    if (repeat > 0 && gflops > peak.gflops) {
      peak.gflops = gflops;
      peak.threads = team;
    }
  }
  return peak;
}

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// The per-process cache of measured peaks.
#include "peak_cache.h"

#include <map>
#include <mutex>
#include <utility>

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/s8_dot_peak.h"
#include "perf/fp32_peak.h"
#include "perf/int8_peak.h"

namespace vigil::bench {

namespace {

// Measures once per (loop, threads), under one lock for every kind of peak.
template <class Measure>
double cached(const void* loop, int threads, Measure measure) {
  static std::mutex mutex;
  static std::map<std::pair<const void*, int>, double> measured;
  std::lock_guard<std::mutex> lock(mutex);
  auto [entry, inserted] = measured.try_emplace({loop, threads}, 0.0);
  if (inserted) entry->second = measure();
  return entry->second;
}

}  // namespace

double peak_gflops(Isa isa, int threads) {
  const kernels::F32FmaPeakLoop* loop = perf::fp32_peak_loop_for(isa);
  if (loop == nullptr) return 0.0;
  return cached(loop, threads, [&] { return perf::measure_fp32_peak(loop->isa, threads, 0.05, 10).gflops; });
}

double peak_int8_gops(const kernels::QS8MicroKernel& kernel, int threads) {
  const kernels::S8DotPeakLoop* loop = kernels::s8_dot_peak_loop(kernel.needs);
  if (loop == nullptr) return 0.0;
  return cached(loop, threads, [&] { return perf::measure_int8_peak(*loop, threads, 0.05, 10).gops; });
}

}  // namespace vigil::bench

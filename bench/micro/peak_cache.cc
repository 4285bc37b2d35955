// The per-process cache of measured peaks.
#include "peak_cache.h"

#include <map>
#include <mutex>
#include <utility>

#include "perf/fp32_peak.h"

namespace vigil::bench {

double peak_gflops(Isa isa, int threads) {
  const kernels::F32FmaPeakLoop* loop = perf::fp32_peak_loop_for(isa);
  if (loop == nullptr) return 0.0;
  static std::mutex mutex;
  static std::map<std::pair<Isa, int>, double> measured;
  std::lock_guard<std::mutex> lock(mutex);
  auto [entry, inserted] = measured.try_emplace({loop->isa, threads}, 0.0);
  if (inserted) entry->second = perf::measure_fp32_peak(loop->isa, threads, 0.05, 10).gflops;
  return entry->second;
}

}  // namespace vigil::bench

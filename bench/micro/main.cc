// SPDX-License-Identifier: Apache-2.0
// The micro-benchmark program: Google Benchmark's usual command line (--benchmark_filter,
// --benchmark_format=json, ...), with the machine's measured fp32 peak in the context
// header so that every "% of peak" below can be read against it.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>

#include "core/cpu_features.h"
#include "peak_cache.h"
#include "perf/fp32_peak.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  const vigil::Isa isa = vigil::detected_isa();
  benchmark::AddCustomContext("vigil_detected_isa", vigil::isa_name(isa));
  if (const auto* loop = vigil::perf::fp32_peak_loop_for(isa)) {
    const int most = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (const int threads : {1, most}) {
      char figure[64];
      std::snprintf(figure, sizeof figure, "%.1f GFLOP/s", vigil::bench::peak_gflops(isa, threads));
      benchmark::AddCustomContext(std::string("fp32_peak_") + loop->name + "_threads_" + std::to_string(threads),
                                  figure);
      if (most == 1) break;
    }
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM (kernels/qs8_gemm.h) timed alone, on the shapes of the f32 GEMM's benchmark
// (bench/micro/f32_gemm_bench.cc: 1024^3, ResNet and MobileNet convolutions as implicit
// GEMMs, the transformer's projections), with the weights packed ahead (as a QLinearConv's
// are) and B packed on the fly, requantized to u8 with per-channel multipliers, on every
// path this CPU has, on 1 and 2 threads. Counters: GOP/s (a multiply and its add are two
// operations) and the percent of the measured int8 peak of the kernel's path on as many
// threads (bench/micro/peak_cache.h), both per CPU second of the benchmark's thread, as
// the f32 benchmark explains.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "gemm_shapes.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "peak_cache.h"
#include "perf/cpu_clock.h"

namespace vigil::bench {

namespace {

#define VIGIL_QS8_GEMM_KERNEL(name) &kernels::name,
const kernels::QS8MicroKernel* const kKernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

void run_gemm(benchmark::State& state, const kernels::QS8MicroKernel* kernel, GemmShape shape, int threads) {
  std::mt19937 generator(1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<int8_t> a(static_cast<size_t>(shape.m * shape.k));
  std::vector<uint8_t> b(static_cast<size_t>(shape.k * shape.n));
  for (int8_t& v : a) v = static_cast<int8_t>(byte(generator) - 128);
  for (uint8_t& v : b) v = static_cast<uint8_t>(byte(generator));
  std::vector<uint8_t> c(static_cast<size_t>(shape.m * shape.n));
  std::vector<int32_t> bias(static_cast<size_t>(shape.m), 1000);
  std::vector<kernels::FixedPointMultiplier> multipliers(static_cast<size_t>(shape.m),
                                                         kernels::fixed_point_multiplier(1e-4));
  const kernels::QS8PackedWeights packed(shape.m, shape.k, a.data(), shape.k, kernel);
  kernels::QS8GemmB b_operand;
  b_operand.data = b.data();
  b_operand.ld = shape.n;
  kernels::QS8GemmEpilogue epilogue;
  epilogue.bias = bias.data();
  epilogue.multiplier = multipliers.data();
  epilogue.per_row_multiplier = true;
  epilogue.b_zero_point = 128;
  epilogue.c_zero_point = 128;
  const double peak = peak_int8_gops(*kernel, threads);

  const double start = perf::thread_cpu_seconds();
  for (auto _ : state) {
    kernels::qs8_gemm(shape.m, shape.n, shape.k, packed, b_operand, c.data(), shape.n, epilogue, threads);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double seconds = perf::thread_cpu_seconds() - start;
  const double gops =
      2e-9 * static_cast<double>(shape.m * shape.n * shape.k) * static_cast<double>(state.iterations()) / seconds;
  state.counters["GOP/s"] = gops;
  if (peak > 0) state.counters["%peak"] = 100.0 * gops / peak;
}

// One benchmark per kernel the CPU runs x shape x threads.
[[maybe_unused]] const bool registered = [] {
  for (const kernels::QS8MicroKernel* kernel : kKernels) {
    if (!kernels::KernelRegistry<kernels::QS8MicroKernel>::runs_here(*kernel)) continue;
    for (const GemmShape& shape : kGemmShapes) {
      for (const int threads : {1, 2}) {
        const std::string name = std::string(kernel->name) + "/" + shape.name + "/M" + std::to_string(shape.m) + "_N" +
                                 std::to_string(shape.n) + "_K" + std::to_string(shape.k) + "/threads_" +
                                 std::to_string(threads);
        benchmark::RegisterBenchmark(name.c_str(), run_gemm, kernel, shape, threads)->Unit(benchmark::kMillisecond);
      }
    }
  }
  return true;
}();

}  // namespace

}  // namespace vigil::bench

// SPDX-License-Identifier: Apache-2.0
// The f32 GEMM (kernels/f32_gemm.h) timed alone: 1024^3 and the products the models run
// (ResNet convolutions as implicit GEMMs, M = output channels, N = output pixels,
// K = input channels x kernel area; MobileNet pointwise layers; the transformer encoder's
// projections, M = tokens), with A packed ahead (as Conv's constant weights are) and with
// both operands raw, on every instruction-set path this CPU has, on 1 and 2 threads.
// Counters: GFLOP/s, and the percent of the measured fp32 peak of the kernel's path on as
// many threads (bench/micro/peak_cache.h). Both are per CPU second of the benchmark's
// thread (the "CPU" column; it takes part in every parallel region), as the peak is per CPU
// second: on a shared, busy machine the one-thread figures then say what the kernel does
// while it runs. On an idle machine the CPU and Time columns agree; where they do not,
// the machine was busy, and multi-thread figures, whose main thread may sleep at a
// barrier while another thread waits for a core, are not to be trusted.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "gemm_shapes.h"
#include "kernels/f32_gemm.h"
#include "kernels/f32_gemm_microkernel.h"
#include "peak_cache.h"
#include "perf/cpu_clock.h"

namespace vigil::bench {

namespace {

#define VIGIL_F32_GEMM_KERNEL(name) &kernels::name,
const kernels::F32MicroKernel* const kKernels[] = {
#include "kernels/f32_gemm_kernels.inc"
};
#undef VIGIL_F32_GEMM_KERNEL

std::vector<float> random_values(int64_t count, unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> distribution(-1.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& value : values) value = distribution(generator);
  return values;
}

void run_gemm(benchmark::State& state, const kernels::F32MicroKernel* kernel, GemmShape shape, bool packed_a,
              int threads) {
  set_active_isa(kernel->isa());
  const std::vector<float> a = random_values(shape.m * shape.k, 1), b = random_values(shape.k * shape.n, 2);
  std::vector<float> c(static_cast<size_t>(shape.m * shape.n));
  const kernels::F32Matrix a_matrix{a.data(), shape.k}, b_matrix{b.data(), shape.n};
  kernels::F32PackedA packed;
  if (packed_a) packed = kernels::F32PackedA(shape.m, shape.k, a_matrix, kernel->isa());
  const kernels::F32GemmA a_operand{a_matrix, packed_a ? &packed : nullptr};
  kernels::F32GemmB b_operand;
  b_operand.matrix = b_matrix;
  const double peak = peak_gflops(kernel->isa(), threads);

  const double start = perf::thread_cpu_seconds();
  for (auto _ : state) {
    kernels::f32_gemm(shape.m, shape.n, shape.k, a_operand, b_operand, c.data(), shape.n, {}, threads);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  const double seconds = perf::thread_cpu_seconds() - start;
  const double gflops =
      2e-9 * static_cast<double>(shape.m * shape.n * shape.k) * static_cast<double>(state.iterations()) / seconds;
  state.counters["GFLOP/s"] = gflops;
  if (peak > 0) state.counters["%peak"] = 100.0 * gflops / peak;
  set_active_isa(detected_isa());
}

// One benchmark per kernel the CPU runs x shape x packing x threads.
[[maybe_unused]] const bool registered = [] {
  for (const kernels::F32MicroKernel* kernel : kKernels) {
    if (kernel->isa() > detected_isa()) continue;
    for (const GemmShape& shape : kGemmShapes) {
      for (const bool packed_a : {true, false}) {
        for (const int threads : {1, 2}) {
          const std::string name = std::string(kernel->name) + "/" + shape.name + "/M" + std::to_string(shape.m) +
                                   "_N" + std::to_string(shape.n) + "_K" + std::to_string(shape.k) +
                                   (packed_a ? "/packed_a" : "/unpacked") + "/threads_" + std::to_string(threads);
          benchmark::RegisterBenchmark(name.c_str(), run_gemm, kernel, shape, packed_a, threads)
              ->Unit(benchmark::kMillisecond);
        }
      }
    }
  }
  return true;
}();

}  // namespace

}  // namespace vigil::bench

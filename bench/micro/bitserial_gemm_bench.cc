// SPDX-License-Identifier: Apache-2.0
// The bit-serial GEMM (kernels/bitserial_gemm.h) timed alone on the int8 GEMM's shapes
// (bench/micro/gemm_shapes.h: rows = the int8 product's N, pixels or tokens; columns = its
// M, output channels; the same depth K), for w1a1 (bipolar x bipolar), w1a2, w2a2 and
// w4a4 (unsigned activations, signed weights), on every kernel this CPU runs, on 1 and 2
// threads. Both operands are packed ahead: the figure is the kernel's alone. Counter:
// GOP/s as the int8 benchmark counts them (bench/micro/qs8_gemm_bench.cc), each product
// of low-bit values a multiply and an add, so that the two benchmarks' figures on one
// shape compare directly.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "gemm_shapes.h"
#include "kernels/bitserial_gemm.h"
#include "perf/cpu_clock.h"

namespace vigil::bench {

namespace {

struct Widths {
  const char* name;
  kernels::BitEncoding x, w;
};

constexpr Widths kWidths[] = {
    {"w1a1", {1, false, true}, {1, false, true}},
    {"w1a2", {2, false, false}, {1, false, true}},
    {"w2a2", {2, false, false}, {2, true, false}},
    {"w4a4", {4, false, false}, {4, true, false}},
};

void run_gemm(benchmark::State& state, const kernels::BitSerialGemmKernel* kernel, GemmShape shape, Widths widths,
              int threads) {
  const int64_t rows = shape.n, cols = shape.m, k = shape.k;
  std::mt19937 generator(1);
  auto values = [&](int64_t count, kernels::BitEncoding e) {
    std::uniform_int_distribution<int32_t> value(e.min(), e.max());
    std::vector<int32_t> v(static_cast<size_t>(count));
    for (int32_t& x : v) x = e.bipolar ? (value(generator) >= 0 ? 1 : -1) : value(generator);
    return v;
  };
  const std::vector<int32_t> x = values(rows * k, widths.x), w = values(cols * k, widths.w);
  const kernels::BitSerialOperands operands(x.data(), rows, widths.x, w.data(), cols, widths.w, k);
  std::vector<int32_t> y(static_cast<size_t>(rows * cols));
  const kernels::BitSerialGemm product = operands.product(y.data(), cols);

  const double start = perf::thread_cpu_seconds();
  for (auto _ : state) {
    kernels::bitserial_gemm(product, threads, kernel);
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  const double seconds = perf::thread_cpu_seconds() - start;
  state.counters["GOP/s"] =
      2e-9 * static_cast<double>(rows * cols * k) * static_cast<double>(state.iterations()) / seconds;
}

// One benchmark per kernel the CPU runs x widths x shape x threads.
[[maybe_unused]] const bool registered = [] {
  for (const kernels::BitSerialGemmKernel* kernel : kernels::bitserial_gemm_kernels().kernels()) {
    if (!kernels::KernelRegistry<kernels::BitSerialGemmKernel>::runs_here(*kernel)) continue;
    for (const Widths& widths : kWidths) {
      for (const GemmShape& shape : kGemmShapes) {
        for (const int threads : {1, 2}) {
          const std::string name = std::string(kernel->name) + "/" + widths.name + "/" + shape.name + "/M" +
                                   std::to_string(shape.m) + "_N" + std::to_string(shape.n) + "_K" +
                                   std::to_string(shape.k) + "/threads_" + std::to_string(threads);
          benchmark::RegisterBenchmark(name.c_str(), run_gemm, kernel, shape, widths, threads)
              ->Unit(benchmark::kMillisecond);
        }
      }
    }
  }
  return true;
}();

}  // namespace

}  // namespace vigil::bench

// SPDX-License-Identifier: Apache-2.0
// What ABFT costs one product (kernels/gemm_check.h): the f32 and int8 GEMMs on the shapes
// of bench/micro/gemm_shapes.h (1024^3 first), on the active paths, 1 and 2 threads, each
// scheme timed against the unchecked product in the same benchmark: every iteration runs
// the unchecked product and then the checked one, each timed on its own, so that both see
// the same machine. Counters: `overhead%` (checked time over unchecked time, medians of the
// iterations, minus one) and the checked product's milliseconds.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <vector>

#include "gemm_shapes.h"
#include "kernels/f32_gemm.h"
#include "kernels/gemm_check.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil::bench {

namespace {

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

template <class Product>
void time_against_unchecked(benchmark::State& state, kernels::GemmCheckScheme scheme, const Product& product) {
  kernels::GemmCheckSink sink(scheme, scheme == kernels::GemmCheckScheme::Separate);
  kernels::GemmThreadContext checked_context;
  checked_context.check = &sink;
  std::vector<double> plain_ms, checked_ms;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    product();
    const auto middle = std::chrono::steady_clock::now();
    {
      const kernels::GemmThreadScope checked(checked_context);
      product();
    }
    const auto end = std::chrono::steady_clock::now();
    plain_ms.push_back(std::chrono::duration<double, std::milli>(middle - start).count());
    checked_ms.push_back(std::chrono::duration<double, std::milli>(end - middle).count());
  }
  if (sink.take().failures != 0) state.SkipWithError("a clean product failed its check");
  state.counters["overhead%"] = 100.0 * (median(checked_ms) / median(plain_ms) - 1.0);
  state.counters["checked_ms"] = median(checked_ms);
}

void run_f32(benchmark::State& state, GemmShape shape, kernels::GemmCheckScheme scheme, int threads) {
  std::mt19937 generator(1);
  std::uniform_real_distribution<float> value(-1.0f, 1.0f);
  std::vector<float> a(static_cast<size_t>(shape.m * shape.k)), b(static_cast<size_t>(shape.k * shape.n));
  for (float& v : a) v = value(generator);
  for (float& v : b) v = value(generator);
  std::vector<float> c(static_cast<size_t>(shape.m * shape.n)), bias(static_cast<size_t>(shape.m), 0.5f);
  const kernels::F32PackedA packed(shape.m, shape.k, kernels::F32Matrix{a.data(), shape.k, false});
  kernels::F32GemmA a_operand;
  a_operand.packed = &packed;
  kernels::F32GemmB b_operand;
  b_operand.matrix = kernels::F32Matrix{b.data(), shape.n, false};
  kernels::Epilogue epilogue;
  epilogue.bias = bias.data();
  epilogue.activation = {kernels::Activation::Relu};
  time_against_unchecked(state, scheme, [&] {
    kernels::f32_gemm(shape.m, shape.n, shape.k, a_operand, b_operand, c.data(), shape.n, epilogue, threads);
    benchmark::DoNotOptimize(c.data());
  });
}

void run_int8(benchmark::State& state, GemmShape shape, kernels::GemmCheckScheme scheme, int threads) {
  std::mt19937 generator(1);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<int8_t> a(static_cast<size_t>(shape.m * shape.k));
  std::vector<uint8_t> b(static_cast<size_t>(shape.k * shape.n)), c(static_cast<size_t>(shape.m * shape.n));
  for (int8_t& v : a) v = static_cast<int8_t>(byte(generator) - 128);
  for (uint8_t& v : b) v = static_cast<uint8_t>(byte(generator));
  std::vector<int32_t> bias(static_cast<size_t>(shape.m), 1000);
  std::vector<kernels::FixedPointMultiplier> multipliers(static_cast<size_t>(shape.m),
                                                         kernels::fixed_point_multiplier(1e-4));
  const kernels::QS8PackedWeights packed(shape.m, shape.k, a.data(), shape.k);
  kernels::QS8GemmB b_operand;
  b_operand.data = b.data();
  b_operand.ld = shape.n;
  kernels::QS8GemmEpilogue epilogue;
  epilogue.bias = bias.data();
  epilogue.multiplier = multipliers.data();
  epilogue.per_row_multiplier = true;
  epilogue.b_zero_point = 128;
  epilogue.c_zero_point = 128;
  time_against_unchecked(state, scheme, [&] {
    kernels::qs8_gemm(shape.m, shape.n, shape.k, packed, b_operand, c.data(), shape.n, epilogue, threads);
    benchmark::DoNotOptimize(c.data());
  });
}

[[maybe_unused]] const bool registered = [] {
  const std::pair<const char*, kernels::GemmCheckScheme> schemes[] = {{"fused", kernels::GemmCheckScheme::Fused},
                                                                      {"separate", kernels::GemmCheckScheme::Separate}};
  for (const GemmShape& shape : kGemmShapes) {
    for (const auto& [scheme_name, scheme] : schemes) {
      for (const int threads : {1, 2}) {
        const std::string suffix = std::string("/") + shape.name + "/M" + std::to_string(shape.m) + "_N" +
                                   std::to_string(shape.n) + "_K" + std::to_string(shape.k) + "/" + scheme_name +
                                   "/threads_" + std::to_string(threads);
        benchmark::RegisterBenchmark(("abft_f32" + suffix).c_str(), run_f32, shape, scheme, threads)
            ->Unit(benchmark::kMillisecond);
        benchmark::RegisterBenchmark(("abft_int8" + suffix).c_str(), run_int8, shape, scheme, threads)
            ->Unit(benchmark::kMillisecond);
      }
    }
  }
  return true;
}();

}  // namespace

}  // namespace vigil::bench

// SPDX-License-Identifier: Apache-2.0
// The fp32 peak: the FMA throughput loops compute what they claim (their speed is never
// asserted), and the measurement reports a sane figure and refuses paths it cannot time.
#include "perf/fp32_peak.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"

namespace vigil {
namespace {

class Fp32PeakLoopTest : public ::testing::TestWithParam<Isa> {};

TEST_P(Fp32PeakLoopTest, EveryChainAndLaneIsAFusedMultiplyAddChain) {
  const Isa isa = GetParam();
  if (isa > detected_isa()) GTEST_SKIP() << "this CPU cannot run the " << isa_name(isa) << " path";
  const kernels::F32FmaPeakLoop* loop = perf::fp32_peak_loop(isa);
  ASSERT_NE(loop, nullptr);
  EXPECT_EQ(loop->isa, isa);
  EXPECT_GE(loop->chains, 8) << "too few chains to hide the FMA latency on two pipes";
  const int size = loop->chains * loop->lanes;
  // Distinct starting values, so that a chain or lane left out or swapped shows.
  for (const int64_t iterations : {0, 1, 7, 100}) {
    std::vector<float> state(size), expected(size);
    for (int i = 0; i < size; ++i) state[i] = expected[i] = 0.25f * static_cast<float>(i) - 3.0f;
    const float multiplier = 0.75f, addend = 1.5f;
    for (int i = 0; i < size; ++i) {
      for (int64_t step = 0; step < iterations; ++step) expected[i] = std::fma(expected[i], multiplier, addend);
    }
    loop->run(iterations, multiplier, addend, state.data());
    for (int i = 0; i < size; ++i) {
      ASSERT_EQ(state[i], expected[i]) << loop->name << ": element " << i << " after " << iterations << " steps";
    }
  }
  EXPECT_DOUBLE_EQ(loop->flops(10), 2.0 * 10 * size);
}

INSTANTIATE_TEST_SUITE_P(VectorPaths, Fp32PeakLoopTest, ::testing::Values(Isa::Avx2, Isa::Avx512),
                         [](const auto& info) { return std::string(isa_name(info.param)); });

TEST(Fp32Peak, MeasuresAPositiveFigureOnOneAndTwoThreads) {
  const kernels::F32FmaPeakLoop* loop = perf::fp32_peak_loop_for(detected_isa());
  if (loop == nullptr) GTEST_SKIP() << "this CPU has no vector path";
  for (const int threads : {1, 2}) {
    const perf::Fp32Peak peak = perf::measure_fp32_peak(loop->isa, threads, 0.002, 1);
    EXPECT_EQ(peak.isa, loop->isa);
    EXPECT_STREQ(peak.loop, loop->name);
    EXPECT_GE(peak.threads, 1);
    EXPECT_LE(peak.threads, threads);
    EXPECT_GT(peak.gflops, 0.0);
    std::printf("%s on %d thread(s): %.1f GFLOP/s\n", peak.loop, peak.threads, peak.gflops);
  }
}

TEST(Fp32Peak, ScalarKernelsAreMeasuredAgainstTheLowestVectorPath) {
  EXPECT_EQ(perf::fp32_peak_loop(Isa::Scalar), nullptr);
  const kernels::F32FmaPeakLoop* loop = perf::fp32_peak_loop_for(Isa::Scalar);
  if (detected_isa() == Isa::Scalar) {
    EXPECT_EQ(loop, nullptr);
  } else {
    ASSERT_NE(loop, nullptr);
    EXPECT_EQ(loop->isa, Isa::Avx2);
  }
}

TEST(Fp32Peak, RefusesWhatItCannotTime) {
  EXPECT_THROW(perf::measure_fp32_peak(Isa::Scalar, 1), Error);
  EXPECT_THROW(perf::measure_fp32_peak(Isa::Avx2, 0), Error);
  if (detected_isa() < Isa::Avx512) {
    EXPECT_THROW(perf::measure_fp32_peak(Isa::Avx512, 1), Error);
  }
}

}  // namespace
}  // namespace vigil

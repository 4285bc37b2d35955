// SPDX-License-Identifier: Apache-2.0
// The int8 dot-product throughput loops and the memory-bandwidth loops compute what they
// claim (their speed is never asserted): every lane of every chain gains 4ab a step, and
// the read sum and the triad are exact on small integers, tails included.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/s8_dot_peak.h"
#include "kernels/stream_bandwidth.h"

namespace vigil::kernels {
namespace {

void expect_dot_chains(const S8DotPeakLoop& loop) {
  EXPECT_GE(loop.chains, 8) << "too few chains to keep two pipes busy";
  const int size = loop.chains * loop.lanes;
  const uint8_t a = 3;
  const int8_t b = -5;
  for (const int64_t iterations : {0, 1, 7, 100}) {
    std::vector<int32_t> state(size);
    for (int i = 0; i < size; ++i) state[i] = 1000 * i - 7;  // distinct, so a lane left out or swapped shows
    loop.run(iterations, a, b, state.data());
    for (int i = 0; i < size; ++i) {
      ASSERT_EQ(state[i], 1000 * i - 7 + iterations * 4 * a * b)
          << loop.name << ": lane " << i << " after " << iterations << " steps";
    }
  }
  EXPECT_DOUBLE_EQ(loop.ops(10), 2.0 * 4 * 10 * size);
}

TEST(S8DotPeak, Avx2LoopAddsFourProductsPerLaneAndStep) {
  if (detected_isa() < Isa::Avx2) GTEST_SKIP() << "this CPU has no AVX2";
  expect_dot_chains(s8_dot_peak__avx2);
}

TEST(S8DotPeak, AvxVnniLoopAddsFourProductsPerLaneAndStep) {
  if (!detected_features().has(CpuFeature::AvxVnni)) GTEST_SKIP() << "this CPU has no AVX-VNNI";
  expect_dot_chains(s8_dot_peak__avxvnni);
}

TEST(S8DotPeak, Avx512VnniLoopAddsFourProductsPerLaneAndStep) {
  if (!detected_features().has(CpuFeature::Avx512Vnni)) GTEST_SKIP() << "this CPU has no AVX-512 VNNI";
  expect_dot_chains(s8_dot_peak__avx512vnni);
}

TEST(StreamBandwidth, ReadSumAddsEveryElement) {
  if (detected_isa() < Isa::Avx2) GTEST_SKIP() << "this CPU has no AVX2";
  for (const int64_t count : {0, 1, 31, 32, 33, 1000}) {
    std::vector<float> data(count);
    float expected = 0.0f;
    for (int64_t i = 0; i < count; ++i) expected += data[i] = static_cast<float>(i % 7);
    EXPECT_EQ(stream_bandwidth__avx2.read_sum(data.data(), count), expected) << count << " elements";
  }
}

TEST(StreamBandwidth, TriadWritesEveryElementAndNoMore) {
  if (detected_isa() < Isa::Avx2) GTEST_SKIP() << "this CPU has no AVX2";
  for (const int64_t count : {0, 1, 31, 32, 33, 1000}) {
    std::vector<float> a(count + 1, -1.0f), b(count), c(count);
    for (int64_t i = 0; i < count; ++i) {
      b[i] = static_cast<float>(i);
      c[i] = static_cast<float>(i % 5);
    }
    stream_bandwidth__avx2.triad(a.data(), b.data(), c.data(), 0.5f, count);
    for (int64_t i = 0; i < count; ++i) ASSERT_EQ(a[i], b[i] + 0.5f * c[i]) << "element " << i << " of " << count;
    EXPECT_EQ(a[count], -1.0f) << "the triad wrote past its end";
  }
}

}  // namespace
}  // namespace vigil::kernels

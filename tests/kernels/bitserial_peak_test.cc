// SPDX-License-Identifier: Apache-2.0
// The bit-product throughput loops (kernels/bitserial_peak.h) compute what they promise:
// every call adds iterations x popcount(a & b) to every lane of every chain, on each path
// this CPU runs, so the peak `vigil peaks` reports is that of real work.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <vector>

#include "kernels/bitserial_peak.h"

namespace vigil::kernels {
namespace {

TEST(BitSerialPeak, EveryLoopAddsTheCountOfTheAndToEveryLane) {
  const uint64_t a = 0xF0F0F0F0F0F0F0F0ULL, b = 0xFF00FF00FF0000FFULL;
  const uint64_t count = static_cast<uint64_t>(std::popcount(a & b));
  int ran = 0;
  for (const BitSerialPeakLoop* loop : kBitSerialPeakLoops) {
    if (!detected_features().contains(loop->needs)) continue;
    ++ran;
    std::vector<uint64_t> state(static_cast<size_t>(loop->chains * loop->lanes), 5);
    loop->run(1000, a, b, state.data());
    loop->run(24, a, b, state.data());
    for (size_t i = 0; i < state.size(); ++i) ASSERT_EQ(state[i], 5 + 1024 * count) << loop->name << " lane " << i;
    EXPECT_DOUBLE_EQ(loop->ops(10), 2.0 * 64 * 10 * loop->chains * loop->lanes);
  }
  if (ran == 0) GTEST_SKIP() << "this CPU has no AVX2";
}

}  // namespace
}  // namespace vigil::kernels

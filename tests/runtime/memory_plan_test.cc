// SPDX-License-Identifier: Apache-2.0
// The arena layout: buffers alive at the same time never share a byte; buffers that are
// not may, and a chain of layers needs only two buffers.
#include "runtime/memory_plan.h"

#include <gtest/gtest.h>

#include <random>

namespace vigil {
namespace {

void expect_valid(const std::vector<BufferRequest>& requests, const ArenaLayout& layout) {
  ASSERT_EQ(layout.offsets.size(), requests.size());
  for (size_t a = 0; a < requests.size(); ++a) {
    EXPECT_EQ(layout.offsets[a] % 64, 0u);
    EXPECT_LE(layout.offsets[a] + requests[a].bytes, layout.total_bytes);
    for (size_t b = a + 1; b < requests.size(); ++b) {
      const bool live_together =
          requests[a].first_step <= requests[b].last_step && requests[b].first_step <= requests[a].last_step;
      const bool share_bytes = layout.offsets[a] < layout.offsets[b] + requests[b].bytes &&
                               layout.offsets[b] < layout.offsets[a] + requests[a].bytes;
      EXPECT_FALSE(live_together && share_bytes) << a << " and " << b;
    }
  }
}

TEST(MemoryPlan, AChainOfLayersNeedsTwoBuffers) {
  // Layer i writes tensor i at step i, which layer i + 1 reads.
  std::vector<BufferRequest> chain;
  for (int i = 0; i < 6; ++i) chain.push_back({1000, i, i + 1});
  const ArenaLayout layout = plan_arena(chain);
  expect_valid(chain, layout);
  EXPECT_EQ(layout.total_bytes, 2 * 1024u);
}

TEST(MemoryPlan, ABranchKeepsItsInputAlive) {
  // 0 feeds 1 and 3 (a residual): 0 must not share with 1 or 2.
  const std::vector<BufferRequest> requests = {{4096, 0, 3}, {4096, 1, 2}, {4096, 2, 3}, {4096, 3, 4}};
  const ArenaLayout layout = plan_arena(requests);
  expect_valid(requests, layout);
  EXPECT_EQ(layout.total_bytes, 3 * 4096u);
}

TEST(MemoryPlan, RandomLifetimesNeverOverlap) {
  std::mt19937 engine(7);
  for (int trial = 0; trial < 50; ++trial) {
    std::vector<BufferRequest> requests;
    for (int i = 0; i < 40; ++i) {
      const int first = static_cast<int>(engine() % 30);
      requests.push_back({1 + engine() % 100000, first, first + static_cast<int>(engine() % 8)});
    }
    const ArenaLayout layout = plan_arena(requests);
    expect_valid(requests, layout);
    size_t sum = 0;
    for (const BufferRequest& r : requests) sum += (r.bytes + 63) / 64 * 64;
    EXPECT_LE(layout.total_bytes, sum);
  }
}

}  // namespace
}  // namespace vigil

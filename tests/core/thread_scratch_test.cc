// SPDX-License-Identifier: Apache-2.0
// Per-thread scratch: each thread has its own, and after equalize_thread_scratch() every
// helper of the pool has scratch as large as the largest, even a helper that grew none
// itself or never ran; while a loop holds the helpers, the call leaves them alone.
#include "core/thread_scratch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/thread_pool.h"
#include "held_helpers.h"

namespace vigil {
namespace {

ThreadScratch<ScratchVector<int>> scratch;

TEST(ThreadScratch, EachThreadHasItsOwn) {
  std::vector<int>* main_thread = &scratch.mine().values;
  std::vector<int>* other = nullptr;
  std::thread([&] { other = &scratch.mine().values; }).join();
  EXPECT_NE(main_thread, other);
  EXPECT_EQ(main_thread, &scratch.mine().values);
}

TEST(ThreadScratch, HelpersGrowToTheLargestWithoutRunning) {
  constexpr size_t kLarge = 1 << 16;
  {
    const testing::HeldHelpers held;  // the helpers exist but run nothing
    ASSERT_GE(held.signalled(), 1);
    scratch.mine().values.reserve(kLarge);  // only this thread grows its scratch
    equalize_thread_scratch();
  }
  std::atomic<int> small{0}, on_helpers{0};
  parallel_for(200, 2, [&](int64_t) {
    if (scratch.mine().values.capacity() < kLarge) ++small;
    if (parallel_worker() != 0) ++on_helpers;
    std::this_thread::sleep_for(std::chrono::microseconds(50));  // long enough for a helper to wake
  });
  EXPECT_EQ(small, 0);
  // A loop that holds the helpers: the call inside it changes nothing.
  parallel_for(100, 2, [&](int64_t) { equalize_thread_scratch(); });
  if (on_helpers == 0) GTEST_SKIP() << "no helper took an item; the machine is too busy to tell";
}

}  // namespace
}  // namespace vigil

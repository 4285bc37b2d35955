// SPDX-License-Identifier: Apache-2.0
// The thread pool behind every parallel loop: each item runs exactly once, worker numbers
// stay below the thread count and belong to one thread at a time, nested and concurrent
// loops run, exceptions reach the caller, a child process after fork() has a pool of its
// own, and, the point of the pool, a loop ends when its items are done even while no
// helper thread can run at all.
#include "core/thread_pool.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "held_helpers.h"

namespace vigil {
namespace {

TEST(ThreadPool, EveryItemRunsOnceOnAWorkerOfItsOwn) {
  for (const int threads : {1, 2, 3, 8}) {
    for (const int64_t items : {0, 1, 2, 7, 1000}) {
      std::vector<std::atomic<int>> runs(static_cast<size_t>(items));
      std::vector<std::atomic<bool>> busy(static_cast<size_t>(threads));
      std::atomic<int> clashes{0}, out_of_range{0};
      parallel_for(items, threads, [&](int64_t item) {
        const int worker = parallel_worker();
        if (worker < 0 || worker >= threads) {
          ++out_of_range;
          return;
        }
        if (busy[worker].exchange(true)) ++clashes;
        ++runs[static_cast<size_t>(item)];
        busy[worker] = false;
      });
      for (int64_t item = 0; item < items; ++item) EXPECT_EQ(runs[static_cast<size_t>(item)], 1) << item;
      EXPECT_EQ(clashes, 0);
      EXPECT_EQ(out_of_range, 0);
    }
  }
  EXPECT_EQ(parallel_worker(), 0);
}

TEST(ThreadPool, RangesCoverTheCountWithoutOverlap) {
  for (const int threads : {1, 2, 5}) {
    for (const int64_t count : {0, 1, 3, 8, 9, 100003}) {
      std::vector<std::atomic<int>> covered(static_cast<size_t>(count));
      std::atomic<int64_t> calls{0};
      parallel_ranges(count, threads, [&](int64_t begin, int64_t end) {
        ++calls;
        EXPECT_LT(begin, end);
        for (int64_t i = begin; i < end; ++i) ++covered[static_cast<size_t>(i)];
      });
      for (int64_t i = 0; i < count; ++i) ASSERT_EQ(covered[static_cast<size_t>(i)], 1) << i;
      EXPECT_LE(calls, std::max<int64_t>(1, std::min<int64_t>(count, threads == 1 ? 1 : threads * kRangesPerThread)));
    }
  }
}

TEST(ThreadPool, NestedAndConcurrentLoopsRunEveryItem) {
  std::atomic<int64_t> sum{0};
  std::atomic<int> nested_workers_not_0{0}, outer_worker_lost{0};
  parallel_for(16, 2, [&](int64_t outer) {
    const int worker = parallel_worker();
    parallel_for(16, 2, [&](int64_t inner) {
      sum += outer * 16 + inner;
      if (parallel_worker() != 0) ++nested_workers_not_0;  // a nested loop runs on its caller alone
    });
    if (parallel_worker() != worker) ++outer_worker_lost;
  });
  EXPECT_EQ(sum, 255 * 256 / 2);
  EXPECT_EQ(nested_workers_not_0, 0);
  EXPECT_EQ(outer_worker_lost, 0);

  std::vector<int64_t> sums(4, 0);
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&, c] {
      for (int round = 0; round < 50; ++round) {
        std::atomic<int64_t> local{0};
        parallel_for(100, 2, [&](int64_t item) { local += item; });
        sums[static_cast<size_t>(c)] += local;
      }
    });
  }
  for (std::thread& caller : callers) caller.join();
  for (const int64_t s : sums) EXPECT_EQ(s, 50 * 4950);
}

TEST(ThreadPool, AnExceptionReachesTheCallerAndThePoolGoesOn) {
  std::atomic<int> ran{0};
  EXPECT_THROW(parallel_for(64, 2,
                            [&](int64_t item) {
                              ++ran;
                              if (item == 17) throw std::runtime_error("item 17");
                            }),
               std::runtime_error);
  EXPECT_EQ(ran, 64);  // the other items still ran
  std::atomic<int> after{0};
  parallel_for(64, 2, [&](int64_t) { ++after; });
  EXPECT_EQ(after, 64);
}

TEST(ThreadPool, AChildProcessRunsLoopsOfItsOwn) {
  parallel_for(8, 2, [](int64_t) {});  // the parent's helpers exist
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::atomic<int64_t> sum{0};
    parallel_for(1000, 2, [&](int64_t item) { sum += item; });
    _exit(sum == 999 * 1000 / 2 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(ThreadPool, ALoopEndsWhileNoHelperCanRun) {
  std::vector<int> workers(1000, -1);
  {
    const testing::HeldHelpers held;
    ASSERT_GE(held.signalled(), 1);
    parallel_for(1000, 2, [&](int64_t item) { workers[static_cast<size_t>(item)] = parallel_worker(); });
  }
  for (const int worker : workers) EXPECT_EQ(worker, 0);
  std::atomic<int> after{0};
  parallel_for(100, 2, [&](int64_t) { ++after; });
  EXPECT_EQ(after, 100);
}

}  // namespace
}  // namespace vigil

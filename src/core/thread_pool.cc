// SPDX-License-Identifier: Apache-2.0
// The helper threads behind parallel_for (core/thread_pool.h). One loop at a time holds
// the helpers: the caller publishes it under a mutex and wakes sleeping helpers; a helper
// joins only while the loop is published and has room for it, claims items until none are
// left and leaves. The caller claims items too, waits only for items already claimed,
// withdraws the loop so that no helper joins any more, and waits for the helpers inside to
// leave (they are past their last item by then). An exception thrown by an item reaches
// the caller once the loop is over. Waiting threads spin for a short, measured time, then
// yield (the caller, whose wait is short) or sleep (the helpers).
#include "core/thread_pool.h"

#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "core/thread_scratch.h"

namespace vigil {
namespace {

// How long a helper polls for the next loop before it sleeps: longer than the serial work
// between two loops of one inference usually lasts, short enough that an idle engine
// leaves the cores to others at once.
constexpr auto kHelperSpin = std::chrono::microseconds(100);
// Claims per thread that a loop's items are grouped into: each claim is two atomic adds
// on lines that the threads share, which cost more than a small item (a row copied, a
// plane pooled: OpenMP's static split of them had none); enough claims per thread that a
// helper which loses its core in the middle of one holds back little.
constexpr int64_t kChunksPerThread = 4;
// How many pauses the caller polls for claimed items to finish before it yields its core
// to whichever thread holds them.
constexpr int kCallerSpinPauses = 4096;

inline void cpu_pause() { __builtin_ia32_pause(); }

thread_local bool inside_loop = false;

struct Loop {
  int64_t items = 0;
  int64_t chunk = 1;  // items per claim
  void (*call)(const void*, int64_t) = nullptr;
  const void* body = nullptr;
  int max_helpers = 0;
  int joined = 0;  // under the pool's mutex
  std::atomic<int64_t> next{0}, done{0};
  std::atomic<int> inside{0};
  std::mutex failure_mutex;
  std::exception_ptr failure;  // the first exception a call threw; rethrown on the caller
};

// Claims chunks of `loop`'s items until none are left; returns after its last is done.
void work_on(Loop& loop) {
  for (int64_t first; (first = loop.next.fetch_add(loop.chunk, std::memory_order_relaxed)) < loop.items;) {
    const int64_t last = std::min(loop.items, first + loop.chunk);
    for (int64_t item = first; item < last; ++item) {
      try {
        loop.call(loop.body, item);
      } catch (...) {
        std::lock_guard<std::mutex> lock(loop.failure_mutex);
        if (!loop.failure) loop.failure = std::current_exception();
      }
    }
    loop.done.fetch_add(last - first, std::memory_order_release);
  }
}

class Pool {
 public:
  void run(int64_t items, int threads, void (*call)(const void*, int64_t), const void* body) {
    Loop loop;
    loop.items = items;
    loop.chunk = std::max<int64_t>(1, items / (int64_t{threads} * kChunksPerThread));
    loop.call = call;
    loop.body = body;
    loop.max_helpers = std::min(threads - 1, detail::kMaxPoolHelpers);
    bool sleepers = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (inside_loop || current_ || idle_work_) {
        loop.max_helpers = 0;  // nested, or another thread's loop holds the helpers
      } else {
        grow(loop.max_helpers);
        current_ = &loop;
        generation_.fetch_add(1, std::memory_order_release);
        sleepers = sleepers_ > 0;
      }
    }
    const detail::WorkerNumber caller(0);
    if (loop.max_helpers == 0) {
      for (int64_t item = 0; item < items; ++item) call(body, item);
      return;
    }
    if (sleepers) wake_.notify_all();
    inside_loop = true;
    work_on(loop);
    wait_until([&] { return loop.done.load(std::memory_order_acquire) == items; });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_ = nullptr;
    }
    wait_until([&] { return loop.inside.load(std::memory_order_acquire) == 0; });
    inside_loop = false;
    if (loop.failure) std::rethrow_exception(loop.failure);
  }

  // Calls `call` while no loop holds the helpers (see detail::run_while_helpers_idle).
  void while_idle(void (*call)(const void*, const int*, int), const void* body) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (current_ || idle_work_) return;
      idle_work_ = true;  // no loop is published until it is over
    }
    try {
      call(body, helper_indices_.data(), static_cast<int>(helper_indices_.size()));
    } catch (...) {
      std::lock_guard<std::mutex> lock(mutex_);
      idle_work_ = false;
      throw;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    idle_work_ = false;
  }

 private:
  template <class Ready>
  static void wait_until(const Ready& ready) {
    for (int spin = 0; !ready(); ++spin) {
      if (spin < kCallerSpinPauses) {
        cpu_pause();
      } else {
        sched_yield();
      }
    }
  }

  // Under mutex_: starts helpers until there are `count`, each with its scratch slot, and
  // waits until each has begun: a thread's start allocates (its slot's clean-up is
  // registered then), and on a loaded machine a new thread may first run long after the
  // inference that made it, in one that must allocate nothing.
  void grow(int count) {
    while (static_cast<int>(helpers_.size()) < count) {
      const int index = detail::claim_scratch_index();
      helper_indices_.push_back(index);
      std::atomic<bool> begun{false};
      helpers_.emplace_back([this, index, &begun] {
        detail::adopt_scratch_index(index);
        begun.store(true, std::memory_order_release);
        serve();
      });
      helpers_.back().detach();
      wait_until([&] { return begun.load(std::memory_order_acquire); });
    }
  }

  void serve() {
    uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      seen = wait_for_loop(seen);
      Loop* loop = nullptr;
      int worker = 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (current_ && current_->joined < current_->max_helpers &&
            generation_.load(std::memory_order_relaxed) == seen) {
          loop = current_;
          worker = ++loop->joined;
          loop->inside.fetch_add(1, std::memory_order_relaxed);
        }
      }
      if (!loop) continue;
      const detail::WorkerNumber number(worker);
      inside_loop = true;
      work_on(*loop);
      inside_loop = false;
      loop->inside.fetch_sub(1, std::memory_order_release);
    }
  }

  // Returns the generation of the next loop published after `seen`.
  uint64_t wait_for_loop(uint64_t seen) {
    const auto start = std::chrono::steady_clock::now();
    for (int poll = 1;; ++poll) {
      const uint64_t now = generation_.load(std::memory_order_acquire);
      if (now != seen) return now;
      cpu_pause();
      if (poll % 64 == 0 && std::chrono::steady_clock::now() - start > kHelperSpin) break;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    ++sleepers_;
    wake_.wait(lock, [&] { return generation_.load(std::memory_order_relaxed) != seen; });
    --sleepers_;
    return generation_.load(std::memory_order_relaxed);
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  Loop* current_ = nullptr;  // under mutex_
  int sleepers_ = 0;         // under mutex_
  std::atomic<uint64_t> generation_{0};  // changed under mutex_
  std::vector<std::thread> helpers_;     // under mutex_; detached, they live as long as the process
  std::vector<int> helper_indices_;      // under mutex_, or while idle_work_: their scratch slots
  bool idle_work_ = false;               // under mutex_: while_idle runs; loops run on their callers
};

// The process's pool. Never destroyed: its helpers sleep until the process ends. A child
// made by fork() has none of its parent's helpers (and perhaps a mutex one of them held),
// so it starts a pool of its own.
Pool* the_pool = nullptr;
std::once_flag pool_made;

Pool& pool() {
  std::call_once(pool_made, [] {
    the_pool = new Pool;
    pthread_atfork(nullptr, nullptr, [] { the_pool = new Pool; });
  });
  return *the_pool;
}

}  // namespace

namespace detail {
void run_parallel_items(int64_t items, int threads, void (*call)(const void*, int64_t), const void* body) {
  pool().run(items, threads, call, body);
}

void run_while_helpers_idle(void (*call)(const void*, const int*, int), const void* body) {
  pool().while_idle(call, body);
}
}  // namespace detail

void run_on_threads(int threads, void (*call)(const void*, int, int), const void* body) {
  std::vector<std::thread> others;
  others.reserve(static_cast<size_t>(threads - 1));
  for (int worker = 1; worker < threads; ++worker) others.emplace_back([=] { call(body, worker, threads); });
  call(body, 0, threads);
  for (std::thread& other : others) other.join();
}

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return std::max(1, CPU_COUNT(&set));
}

}  // namespace vigil

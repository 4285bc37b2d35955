// SPDX-License-Identifier: Apache-2.0
// The threads of every parallel loop in vigil (products, convolutions, element-wise
// operators, the profiler's peaks, the accelerator mapper). A loop is a number of items;
// the calling thread and up to threads - 1 helper threads claim them, a few at a time, from
// a shared counter, and the loop is over when every item is done, not when every thread has
// arrived: a helper that the operating system has not run yet (another process holds its
// core) finds nothing left and costs nothing, and the caller never waits on work that no
// thread has started. Helpers wait for the next loop by spinning briefly, then sleeping.
// A loop started inside another loop, or while another thread's loop holds the helpers,
// runs on its caller alone.
#pragma once

#include <algorithm>
#include <cstdint>

namespace vigil {

namespace detail {
// Helper threads the pool starts at most: a loop asked for more threads runs on this many
// helpers and its caller.
constexpr int kMaxPoolHelpers = 255;
void run_parallel_items(int64_t items, int threads, void (*call)(const void* body, int64_t item), const void* body);
// The worker number of the running thread in its innermost loop (parallel_worker()).
inline thread_local int current_worker = 0;
// Numbers the running thread `worker` for its lifetime, then restores the number before.
class WorkerNumber {
 public:
  explicit WorkerNumber(int worker) : previous_(current_worker) { current_worker = worker; }
  ~WorkerNumber() { current_worker = previous_; }
  WorkerNumber(const WorkerNumber&) = delete;
  WorkerNumber& operator=(const WorkerNumber&) = delete;

 private:
  int previous_;
};
}  // namespace detail

namespace detail {
// Calls body(helper_indices, helpers), the scratch slots (core/thread_scratch.h) of the
// pool's helpers, while no loop holds them (no helper runs an item, none can join a loop
// until body returns); does nothing when a loop holds them.
void run_while_helpers_idle(void (*call)(const void* body, const int* indices, int helpers), const void* body);
template <class Body>
void while_helpers_idle(const Body& body) {
  run_while_helpers_idle([](const void* erased, const int* indices,
                            int helpers) { (*static_cast<const Body*>(erased))(indices, helpers); },
                         &body);
}
}  // namespace detail

// Calls body(item) once for every item in [0, items), on the calling thread and on up to
// threads - 1 helpers. Returns when all calls have returned.
template <class Body>
void parallel_for(int64_t items, int threads, const Body& body) {
  if (items <= 0) return;
  if (threads <= 1 || items == 1) {
    const detail::WorkerNumber worker(0);
    for (int64_t item = 0; item < items; ++item) body(item);
    return;
  }
  detail::run_parallel_items(
      items, threads, [](const void* erased, int64_t item) { (*static_cast<const Body*>(erased))(item); }, &body);
}

// Items per thread that parallel_ranges cuts: enough that a helper which loses its core in
// the middle of one holds back little, few enough that each stays worth claiming.
constexpr int64_t kRangesPerThread = 4;

// Calls body(begin, end) over contiguous ranges that cover [0, count): one call on one
// thread, or kRangesPerThread ranges per thread (never more than count) claimed as above.
template <class Body>
void parallel_ranges(int64_t count, int threads, const Body& body) {
  const int64_t parts = std::min<int64_t>(count, threads <= 1 ? 1 : int64_t{threads} * kRangesPerThread);
  if (parts <= 1) {
    if (count > 0) body(int64_t{0}, count);
    return;
  }
  parallel_for(parts, threads, [&](int64_t p) { body(count * p / parts, count * (p + 1) / parts); });
}

// Which of its innermost loop's threads runs the caller: 0 on the thread that started the
// loop (and outside any loop), 1 .. threads - 1 on helpers. Stable for the whole of one
// loop, so it indexes per-thread scratch space.
inline int parallel_worker() { return detail::current_worker; }

// Calls body(worker, team) on exactly `threads` threads at the same time (the caller is
// worker 0) and returns when all have returned: for measurements that need every core
// busy at once (the machine's peaks), never for inference work.
void run_on_threads(int threads, void (*call)(const void* body, int worker, int team), const void* body);
template <class Body>
void on_every_thread(int threads, const Body& body) {
  run_on_threads(
      std::max(threads, 1),
      [](const void* erased, int worker, int team) { (*static_cast<const Body*>(erased))(worker, team); }, &body);
}

// The number of hardware threads this process may run on (its CPU affinity).
int available_cpus();

}  // namespace vigil

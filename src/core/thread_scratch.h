// SPDX-License-Identifier: Apache-2.0
// Scratch space that each thread keeps across runs (packing buffers, checksum sums,
// gathered pointers) for work whose thread the pool (core/thread_pool.h) decides at run
// time. Scratch grown only by the thread that uses it would grow again whenever a helper
// first takes a part it had not taken before: on a loaded machine that can come long after
// warm-up, and the run allocates. So after every inference the session's thread grows the
// scratch of every pool helper, and its own, to the largest that any of them reached
// (equalize_thread_scratch(), while no loop holds the helpers): once an inference has run,
// later ones allocate nothing, whichever thread takes which part. A helper's scratch is
// made by that grow even if the helper has never run.
#pragma once

#include <array>
#include <atomic>
#include <vector>

namespace vigil {

namespace detail {
// Threads that keep scratch at the same time, at most (the pool's helpers among them).
constexpr int kMaxScratchThreads = 1024;
// This thread's slot in every ThreadScratch: given on first use, back when the thread ends.
int scratch_thread_index();
// For the pool: a slot for a helper it is about to start, and the helper taking it.
int claim_scratch_index();
void adopt_scratch_index(int index);

class EqualizedScratch {
 public:
  // Grows the slots `indices[0 .. count)` to the largest of them, making missing ones.
  virtual void equalize(const int* indices, int count) = 0;

 protected:
  EqualizedScratch();
  ~EqualizedScratch();
};
}  // namespace detail

// One T per thread. T: default-constructible, with `void grow_to(const T& other)` that
// makes each of its buffers at least as large as the other's. Objects of static duration.
template <class T>
class ThreadScratch final : detail::EqualizedScratch {
 public:
  ThreadScratch() = default;
  ~ThreadScratch() {
    for (std::atomic<T*>& slot : slots_) delete slot.load(std::memory_order_relaxed);
  }
  ThreadScratch(const ThreadScratch&) = delete;
  ThreadScratch& operator=(const ThreadScratch&) = delete;

  // The calling thread's.
  T& mine() { return slot(detail::scratch_thread_index()); }

 private:
  T& slot(int index) {
    std::atomic<T*>& slot = slots_[static_cast<size_t>(index)];
    T* own = slot.load(std::memory_order_acquire);
    if (!own) {
      own = new T;
      slot.store(own, std::memory_order_release);
    }
    return *own;
  }
  void equalize(const int* indices, int count) override {
    for (int a = 0; a < count; ++a) {
      for (int b = 0; b < count; ++b) {
        if (a != b) slot(indices[a]).grow_to(slot(indices[b]));
      }
    }
  }

  std::array<std::atomic<T*>, detail::kMaxScratchThreads> slots_{};
};

// One vector as a ThreadScratch's T.
template <class V>
struct ScratchVector {
  std::vector<V> values;
  void grow_to(const ScratchVector& other) { values.reserve(other.values.capacity()); }
};

// Grows the scratch of the pool's helpers and of this thread to the largest any of them
// reached, unless a loop holds the helpers now (then the next call does it). Sessions call
// it after every inference.
void equalize_thread_scratch();

}  // namespace vigil

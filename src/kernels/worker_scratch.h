// SPDX-License-Identifier: Apache-2.0
// Scratch space for the workers of one parallel loop (core/thread_pool.h), owned by the
// thread that starts the loop and indexed by parallel_worker(). Which worker runs which
// part of a loop is decided at run time, so scratch that grew only as each worker needed it
// would grow again, in some later run, when a worker first takes a larger part (on a loaded
// machine a helper may take its first part many runs later). After every loop the caller
// grows every slot to the largest that any slot reached: once a loop has run, no later run
// of it allocates. A loop nested in another runs on one thread, which uses its own slots;
// each thread's slots are a ThreadScratch (core/thread_scratch.h), grown across threads after
// every inference.
#pragma once

#include <memory>
#include <vector>

#include "core/thread_pool.h"
#include "core/thread_scratch.h"

namespace vigil::kernels {

// Slots: a type with `void grow_to(const Slots& other)` that makes each of its buffers at
// least as large as the other's.
template <class Slots>
class WorkerScratch {
 public:
  // Ready for a loop on `threads` threads.
  void prepare(int threads) {
    while (slots_.size() < static_cast<size_t>(threads)) slots_.push_back(std::make_unique<Slots>());
  }
  // The running worker's slot.
  Slots& mine() { return *slots_[static_cast<size_t>(parallel_worker())]; }
  // After the loop, on its caller: every slot as large as the largest.
  void equalize() { grow_to(*this); }
  // As many slots as the other's, each as large as the largest of both.
  void grow_to(const WorkerScratch& other) {
    prepare(static_cast<int>(other.slots_.size()));
    for (const auto& slot : slots_) {
      for (const auto& larger : other.slots_) slot->grow_to(*larger);
      for (const auto& larger : slots_) slot->grow_to(*larger);
    }
  }

 private:
  std::vector<std::unique_ptr<Slots>> slots_;
};

}  // namespace vigil::kernels

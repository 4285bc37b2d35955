// SPDX-License-Identifier: Apache-2.0
// Slots of the threads that keep scratch, the list of every ThreadScratch, and the grow
// after each inference (core/thread_scratch.h).
#include "core/thread_scratch.h"

#include <algorithm>
#include <mutex>
#include <vector>

#include "core/error.h"
#include "core/thread_pool.h"

namespace vigil {
namespace detail {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<int> free_indices;  // given back by threads that ended
  int next_index = 0;
  std::vector<EqualizedScratch*> scratch;
};

Registry& registry() {
  static Registry* the_registry = new Registry;  // never destroyed: threads give slots back at any time
  return *the_registry;
}

// A thread's slot, given back to the registry when the thread ends.
class SlotOfThread {
 public:
  ~SlotOfThread() {
    if (index_ < 0 || adopted_) return;
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.free_indices.push_back(index_);
  }
  int get() {
    if (index_ < 0) index_ = claim_scratch_index();
    return index_;
  }
  void adopt(int index) {
    index_ = index;
    adopted_ = true;  // a helper's: it keeps it for the life of the process
  }

 private:
  int index_ = -1;
  bool adopted_ = false;
};
thread_local SlotOfThread slot_of_thread;

}  // namespace

int claim_scratch_index() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.free_indices.empty()) {
    const int index = r.free_indices.back();
    r.free_indices.pop_back();
    return index;
  }
  if (r.next_index >= kMaxScratchThreads) {
    fail_unsupported("more than ", kMaxScratchThreads, " threads run vigil's kernels at once");
  }
  return r.next_index++;
}

int scratch_thread_index() { return slot_of_thread.get(); }

void adopt_scratch_index(int index) { slot_of_thread.adopt(index); }

EqualizedScratch::EqualizedScratch() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.scratch.push_back(this);
}

EqualizedScratch::~EqualizedScratch() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  r.scratch.erase(std::remove(r.scratch.begin(), r.scratch.end(), this), r.scratch.end());
}

}  // namespace detail

void equalize_thread_scratch() {
  const int own = detail::scratch_thread_index();
  detail::while_helpers_idle([own](const int* helper_indices, int helpers) {
    // Helpers first, this thread last: at most the pool's threads and one more.
    int indices[detail::kMaxPoolHelpers + 1];
    std::copy(helper_indices, helper_indices + helpers, indices);
    indices[helpers] = own;
    detail::Registry& r = detail::registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    for (detail::EqualizedScratch* scratch : r.scratch) scratch->equalize(indices, helpers + 1);
  });
}

}  // namespace vigil

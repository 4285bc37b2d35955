// SPDX-License-Identifier: Apache-2.0
// Greedy-by-size arena layout (see memory_plan.h).
#include "runtime/memory_plan.h"

#include <algorithm>
#include <numeric>

namespace vigil {

namespace {
size_t round_up_64(size_t bytes) { return (bytes + 63) / 64 * 64; }
bool lifetimes_overlap(const BufferRequest& a, const BufferRequest& b) {
  return a.first_step <= b.last_step && b.first_step <= a.last_step;
}
}  // namespace

ArenaLayout plan_arena(const std::vector<BufferRequest>& requests) {
  ArenaLayout layout;
  layout.offsets.assign(requests.size(), 0);
  std::vector<size_t> order(requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return requests[a].bytes > requests[b].bytes; });
  std::vector<size_t> placed;  // request indices, by increasing offset
  for (size_t index : order) {
    const BufferRequest& request = requests[index];
    const size_t size = round_up_64(request.bytes);
    // The lowest gap between placed buffers that live at the same time as this one.
    size_t offset = 0;
    for (size_t other : placed) {
      if (!lifetimes_overlap(request, requests[other])) continue;
      const size_t other_begin = layout.offsets[other], other_end = other_begin + round_up_64(requests[other].bytes);
      if (offset + size <= other_begin) break;
      offset = std::max(offset, other_end);
    }
    layout.offsets[index] = offset;
    placed.insert(std::upper_bound(placed.begin(), placed.end(), index,
                                   [&](size_t a, size_t b) { return layout.offsets[a] < layout.offsets[b]; }),
                  index);
    layout.total_bytes = std::max(layout.total_bytes, offset + size);
  }
  return layout;
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Non-dominated filtering (pareto.h).
#include "accel/pareto.h"

#include <algorithm>
#include <cassert>
#include <numeric>

namespace vigil::accel {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  assert(a.size() == b.size());
  bool better = false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& costs) {
  std::vector<size_t> order(costs.size());
  std::iota(order.begin(), order.end(), size_t{0});
  // A design that dominates another is lexicographically smaller; the index breaks ties
  // so the order does not depend on the sort's stability.
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return costs[a] != costs[b] ? costs[a] < costs[b] : a < b; });
  std::vector<size_t> front;
  for (const size_t candidate : order) {
    const bool dominated = std::any_of(front.begin(), front.end(),
                                       [&](size_t member) { return dominates(costs[member], costs[candidate]); });
    if (!dominated) front.push_back(candidate);
  }
  std::sort(front.begin(), front.end());
  return front;
}

}  // namespace vigil::accel

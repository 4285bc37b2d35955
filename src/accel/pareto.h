// SPDX-License-Identifier: Apache-2.0
// The Pareto front of a set of designs, each a vector of costs to minimize (the
// design-space exploration's energy, latency and area, design_space.h; or two of them
// for a chart). A design dominates another when it is no worse in every cost and
// better in at least one; the front is the designs no other design dominates. Equal
// designs do not dominate each other, so duplicates on the front are all kept.
#pragma once

#include <cstddef>
#include <vector>

namespace vigil::accel {

// Costs of equal length, finite.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);

// The indices of the designs on the front, ascending. Designs are taken in
// lexicographic order of their costs, so one can only be dominated by an earlier one,
// and if by any then by one already on the front: O(n log n + n x front).
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& costs);

}  // namespace vigil::accel

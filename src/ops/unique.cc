// SPDX-License-Identifier: Apache-2.0
// Unique: the distinct elements (or, with an axis, the distinct slices along it) of a
// tensor, sorted ascending or in order of first occurrence, with the index of each first
// occurrence, the position in Y of every input element (slice), and the counts. Slices
// are compared lexicographically in memory order.
#include <algorithm>
#include <numeric>

#include "ops/data_movement.h"
#include "ops/ordering_internal.h"

namespace vigil {

namespace {

struct UniqueGroup {
  int64_t first;  // index of the first occurrence along the axis
  int64_t count;
};

template <class T>
void unique_typed(const Tensor& data, int64_t outer, int64_t dim, int64_t inner, bool sorted, Shape y_shape,
                  int64_t axis, OpOutputs& out) {
  using C = ComputeType<T>;
  const T* x = data.data<T>();
  auto element = [&](int64_t slice, int64_t p, int64_t i) { return static_cast<C>(x[(p * dim + slice) * inner + i]); };
  // -1, 0, 1 as slice a is less than, equal to or greater than slice b.
  auto compare = [&](int64_t a, int64_t b) {
    for (int64_t p = 0; p < outer; ++p) {
      for (int64_t i = 0; i < inner; ++i) {
        const C va = element(a, p, i), vb = element(b, p, i);
        if (va < vb) return -1;
        if (vb < va) return 1;
      }
    }
    return 0;
  };
  std::vector<int64_t> order(static_cast<size_t>(dim));
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });

  std::vector<UniqueGroup> groups;
  std::vector<int64_t> group_of(static_cast<size_t>(dim));
  for (size_t n = 0; n < order.size(); ++n) {
    if (n == 0 || compare(order[n - 1], order[n]) != 0) groups.push_back({order[n], 0});
    groups.back().count += 1;
    group_of[order[n]] = static_cast<int64_t>(groups.size()) - 1;
  }
  // Position of each group in the output: sorted order, or order of first occurrence.
  std::vector<int64_t> rank_of(groups.size());
  std::iota(rank_of.begin(), rank_of.end(), 0);
  if (!sorted) {
    std::vector<int64_t> by_first(groups.size());
    std::iota(by_first.begin(), by_first.end(), 0);
    std::sort(by_first.begin(), by_first.end(),
              [&](int64_t a, int64_t b) { return groups[a].first < groups[b].first; });
    for (size_t r = 0; r < by_first.size(); ++r) rank_of[by_first[r]] = static_cast<int64_t>(r);
  }

  const int64_t u = static_cast<int64_t>(groups.size());
  y_shape[axis] = u;
  Tensor y(data.dtype(), y_shape);
  Tensor indices(DType::Int64, {u});
  Tensor inverse(DType::Int64, {dim});
  Tensor counts(DType::Int64, {u});
  T* yo = y.data<T>();
  for (int64_t g = 0; g < u; ++g) {
    const int64_t r = rank_of[g];
    indices.data<int64_t>()[r] = groups[g].first;
    counts.data<int64_t>()[r] = groups[g].count;
    for (int64_t p = 0; p < outer; ++p) {
      for (int64_t i = 0; i < inner; ++i) yo[(p * u + r) * inner + i] = x[(p * dim + groups[g].first) * inner + i];
    }
  }
  for (int64_t k = 0; k < dim; ++k) inverse.data<int64_t>()[k] = rank_of[group_of[k]];
  Tensor results[] = {y, indices, inverse, counts};
  for (size_t o = 0; o < out.size() && o < 4; ++o) out[o] = results[o];
}

}  // namespace

std::unique_ptr<Operator> create_unique(const OpCreateInfo& info) {
  const bool sorted = info.attributes().get_int("sorted", 1) != 0;
  const bool has_axis = info.attributes().has("axis");
  const int64_t axis = info.attributes().get_int("axis", 0);
  return make_operator([sorted, has_axis, axis](const OpInputs& in, OpOutputs& out) {
    const Tensor& input = require_input(in, 0, "Unique");
    // Without an axis the flattened input is one axis of single-element slices.
    const Tensor data = has_axis ? input : input.reshaped({input.numel()});
    const int64_t a = has_axis ? normalize_axis(axis, data.rank(), "Unique") : 0;
    const int64_t outer = dims_product(data.shape(), 0, a);
    const int64_t inner = dims_product(data.shape(), a + 1, data.rank());
    dispatch_dtype(data.dtype(), "Unique", [&](auto tag) {
      using T = typename decltype(tag)::type;
      unique_typed<T>(data, outer, data.dim(a), inner, sorted, data.shape(), a, out);
    });
  });
}

}  // namespace vigil

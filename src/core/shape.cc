// SPDX-License-Identifier: Apache-2.0
// Shape arithmetic.
#include "core/shape.h"

#include "core/error.h"

namespace vigil {

int64_t shape_numel(const Shape& shape) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  return count;
}

int64_t checked_shape_numel(const Shape& shape, const std::string& what) {
  int64_t count = 1;
  for (int64_t d : shape) {
    check_input(d >= 0, what, ": negative dimension in ", shape_to_string(shape));
    check_input(!__builtin_mul_overflow(count, d, &count), what, ": shape ", shape_to_string(shape),
                " has too many elements");
  }
  return count;
}

Shape shape_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i) {
    strides[i] = strides[i + 1] * shape[i + 1];
  }
  return strides;
}

std::string shape_to_string(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

int64_t normalize_axis(int64_t axis, int64_t rank, const std::string& what) {
  check_input(axis >= -rank && axis < rank, what, ": axis ", axis, " is out of range for rank ", rank);
  return axis < 0 ? axis + rank : axis;
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what) {
  const size_t rank = std::max(a.size(), b.size());
  Shape out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    check_input(da == db || da == 1 || db == 1, what, ": shapes ", shape_to_string(a), " and ", shape_to_string(b),
                " cannot be broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

Shape broadcast_strides(const Shape& from, const Shape& to) {
  const Shape own = shape_strides(from);
  Shape strides(to.size(), 0);
  const size_t offset = to.size() - from.size();
  for (size_t i = 0; i < from.size(); ++i) {
    strides[offset + i] = from[i] == 1 ? 0 : own[i];
  }
  return strides;
}

}  // namespace vigil

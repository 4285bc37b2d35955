// SPDX-License-Identifier: Apache-2.0
// Shape arithmetic.
#include "core/shape.h"

#include "core/error.h"

namespace vigil {

int64_t shape_numel(const Shape& shape, const char* what) {
  int64_t count = 1;
  for (int64_t d : shape) {
    if (d < 0 || __builtin_mul_overflow(count, d, &count)) {
      check_input(d >= 0, what, ": negative dimension in ", shape_to_string(shape));
      fail_bad_input(what, ": shape ", shape_to_string(shape), " has more elements than fit in 64 bits");
    }
  }
  return count;
}

size_t byte_count(int64_t count, size_t element_size, const char* what) {
  size_t bytes = 0;
  check_input(count >= 0 && !__builtin_mul_overflow(static_cast<size_t>(count), element_size, &bytes), what, ": ",
              count, " elements of ", element_size, " bytes do not fit in memory's address space");
  return bytes;
}

Shape shape_strides(const Shape& shape) {
  Shape strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i) {
    // Only an empty shape (a zero dimension further left) can overflow here, and then no
    // stride is ever used.
    if (__builtin_mul_overflow(strides[i + 1], shape[i + 1], &strides[i])) strides[i] = 0;
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

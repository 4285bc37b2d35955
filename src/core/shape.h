// SPDX-License-Identifier: Apache-2.0
// Shapes: a vector of dimensions, row-major. Helpers for element counts, strides,
// negative axes and numpy-style broadcasting, shared by every operator.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vigil {

using Shape = std::vector<int64_t>;

// The element count (1 for a scalar, rank 0). Every count of elements, bytes and offsets
// starts here or in byte_count: a negative dimension or a count beyond int64 is a
// bad-input Error naming `what`, never a wrapped number.
int64_t shape_numel(const Shape& shape, const char* what = "shape");
// The bytes of `count` elements of `element_size` bytes each; a bad-input Error naming
// `what` if that does not fit in size_t.
size_t byte_count(int64_t count, size_t element_size, const char* what = "tensor");
Shape shape_strides(const Shape& shape);          // in elements, row-major
std::string shape_to_string(const Shape& shape);  // "[1, 3, 224, 224]"

// Maps axis in [-rank, rank) to [0, rank); a bad-input Error naming `what` otherwise.
int64_t normalize_axis(int64_t axis, int64_t rank, const std::string& what);

// The numpy broadcast of two or more shapes; a bad-input Error naming `what` if they
// are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b, const std::string& what);

// Strides to read a tensor of shape `from` as if it had the (broadcast) shape `to`:
// broadcast dimensions get stride 0. `from` has rank <= rank of `to`.
Shape broadcast_strides(const Shape& from, const Shape& to);

}  // namespace vigil

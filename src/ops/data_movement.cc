// SPDX-License-Identifier: Apache-2.0
// The strided copy at the heart of the data-movement operators, and the small input
// readers they share. See data_movement.h.
#include "ops/data_movement.h"

#include <algorithm>

namespace vigil {

namespace {

// Walks the view row by row: the innermost dimension is a tight loop (vectorisable when
// both strides are 1); the outer dimensions advance like an odometer.
template <class T>
void copy_strided_typed(const T* src, int64_t src_offset, const Shape& src_strides, T* dst, int64_t dst_offset,
                        const Shape& dst_strides, const Shape& shape) {
  const int64_t total = shape_numel(shape);
  if (total == 0) return;
  const size_t rank = shape.size();
  if (rank == 0) {
    dst[dst_offset] = src[src_offset];
    return;
  }
  const int64_t inner = shape[rank - 1];
  const int64_t src_step = src_strides[rank - 1];
  const int64_t dst_step = dst_strides[rank - 1];
  std::vector<int64_t> index(rank - 1, 0);
  int64_t s = src_offset;
  int64_t d = dst_offset;
  for (int64_t done = 0; done < total; done += inner) {
    const T* from = src + s;
    T* to = dst + d;
    if (src_step == 1 && dst_step == 1) {
      std::copy(from, from + inner, to);
    } else {
      for (int64_t j = 0; j < inner; ++j) to[j * dst_step] = from[j * src_step];
    }
    for (int64_t axis = static_cast<int64_t>(rank) - 2; axis >= 0; --axis) {
      s += src_strides[axis];
      d += dst_strides[axis];
      if (++index[axis] < shape[axis]) break;
      s -= src_strides[axis] * shape[axis];
      d -= dst_strides[axis] * shape[axis];
      index[axis] = 0;
    }
  }
}

}  // namespace

void copy_strided(const Tensor& src, int64_t src_offset, const Shape& src_strides, Tensor& dst, int64_t dst_offset,
                  const Shape& dst_strides, const Shape& shape) {
  if (src.dtype() != dst.dtype()) fail_internal("copy_strided: element types differ");
  dispatch_dtype(src.dtype(), "copy", [&](auto tag) {
    using T = typename decltype(tag)::type;
    copy_strided_typed<T>(src.data<T>(), src_offset, src_strides, dst.data<T>(), dst_offset, dst_strides, shape);
  });
}

Tensor gather_view(const Tensor& src, int64_t offset, const Shape& strides, const Shape& shape) {
  Tensor out(src.dtype(), shape);
  copy_strided(src, offset, strides, out, 0, shape_strides(shape), shape);
  return out;
}

Tensor transpose_tensor(const Tensor& src, const std::vector<int64_t>& perm) {
  const Shape in_strides = shape_strides(src.shape());
  Shape shape(perm.size()), strides(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) {
    shape[i] = src.dim(perm[i]);
    strides[i] = in_strides[perm[i]];
  }
  return gather_view(src, 0, strides, shape);
}

std::vector<int64_t> optional_int64s(const OpInputs& in, size_t index, std::vector<int64_t> fallback) {
  return has_input(in, index) ? in[index]->to_int64_vector() : fallback;
}

std::vector<int64_t> normalize_axes(const std::vector<int64_t>& axes, int64_t rank, const std::string& what) {
  std::vector<int64_t> result;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t axis : axes) {
    const int64_t a = normalize_axis(axis, rank, what);
    check_input(!seen[a], what, ": axis ", axis, " is given twice");
    seen[a] = true;
    result.push_back(a);
  }
  return result;
}

int64_t dims_product(const Shape& shape, int64_t begin, int64_t end) {
  int64_t product = 1;
  for (int64_t i = begin; i < end; ++i) product *= shape[i];
  return product;
}

int64_t normalize_index(int64_t index, int64_t dim, const std::string& what) {
  check_input(index >= -dim && index < dim, what, ": index ", index, " is out of range for a dimension of ", dim);
  return index < 0 ? index + dim : index;
}

}  // namespace vigil

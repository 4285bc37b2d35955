// SPDX-License-Identifier: Apache-2.0
// Boxes of rows and columns for replays: the geometry of runtime/spatial_box.h and the copies.
#include "runtime/spatial_box.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/memory_budget.h"

namespace vigil {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

// Widens [first, last) to the first and one past the last column of `within` where the
// lines `a` and `b` of `Word`-sized elements differ, searching only left of `first` and
// right of `last`.
template <class Word>
void widen_to_differences(const std::byte* a_line, const std::byte* b_line, Band within, int64_t& first,
                          int64_t& last) {
  const auto* a = reinterpret_cast<const Word*>(a_line);
  const auto* b = reinterpret_cast<const Word*>(b_line);
  for (int64_t c = within.begin; c < first; ++c) {
    if (a[c] != b[c]) {
      first = c;
      break;
    }
  }
  for (int64_t c = within.end; c-- > std::max(last, first);) {
    if (a[c] != b[c]) {
      last = c + 1;
      break;
    }
  }
}

void widen_columns(const std::byte* a, const std::byte* b, size_t element, Band within, int64_t& first, int64_t& last) {
  switch (element) {
    case 1: return widen_to_differences<uint8_t>(a, b, within, first, last);
    case 2: return widen_to_differences<uint16_t>(a, b, within, first, last);
    case 4: return widen_to_differences<uint32_t>(a, b, within, first, last);
    case 8: return widen_to_differences<uint64_t>(a, b, within, first, last);
    default:  // any other element size: the whole band
      first = std::min(first, within.begin);
      last = std::max(last, within.end);
  }
}

}  // namespace

Band unite(Band a, Band b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

Band intersect(Band a, Band b) { return {std::max(a.begin, b.begin), std::min(a.end, b.end)}; }

Box unite(const Box& a, const Box& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {unite(a.rows, b.rows), unite(a.cols, b.cols)};
}

Box intersect(const Box& a, const Box& b) { return {intersect(a.rows, b.rows), intersect(a.cols, b.cols)}; }

Box differing_box(const Tensor& now, const Tensor& traced, Box within) {
  assert(now.rank() == 4 && now.shape() == traced.shape() && now.dtype() == traced.dtype());
  within = intersect(within, Box::of(now));
  if (within.empty() || now.raw() == traced.raw()) return {};
  const int64_t planes = now.dim(0) * now.dim(1), height = now.dim(2), width = now.dim(3);
  const size_t element = dtype_size(now.dtype());
  const size_t line = static_cast<size_t>(width) * element;
  const size_t span = static_cast<size_t>(within.cols.size()) * element;
  const auto* a = static_cast<const std::byte*>(now.raw());
  const auto* b = static_cast<const std::byte*>(traced.raw());
  auto at = [&](int64_t plane, int64_t row) {
    return static_cast<size_t>(plane * height + row) * line + static_cast<size_t>(within.cols.begin) * element;
  };
  auto differs = [&](int64_t plane, int64_t row) { return std::memcmp(a + at(plane, row), b + at(plane, row), span) != 0; };
  // The rows: [first, last) grows plane by plane; each plane is searched only outside it.
  Box box{{within.rows.end, within.rows.begin}, {within.cols.end, within.cols.begin}};
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t r = within.rows.begin; r < box.rows.begin; ++r) {
      if (differs(p, r)) {
        box.rows.begin = r;
        break;
      }
    }
    for (int64_t r = within.rows.end; r-- > std::max(box.rows.end, box.rows.begin);) {
      if (differs(p, r)) {
        box.rows.end = r + 1;
        break;
      }
    }
  }
  if (box.rows.empty()) return {};
  // The columns, the same way, over the differing lines of those rows.
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t r = box.rows.begin; r < box.rows.end; ++r) {
      if (box.cols.begin == within.cols.begin && box.cols.end == within.cols.end) return box;
      if (!differs(p, r)) continue;
      const size_t start = static_cast<size_t>(p * height + r) * line;
      widen_columns(a + start, b + start, element, within.cols, box.cols.begin, box.cols.end);
    }
  }
  return box;
}

Band reached_band(const AxisWindow& axis, Band changed, int64_t output_size) {
  if (changed.empty()) return {};
  if (axis.whole || changed.end == Band::all().end) return {0, output_size};
  // Output position o reads [o s - pad_begin, o s - pad_begin + extent).
  const Band reached{floor_div(changed.begin + axis.pad_begin - axis.extent, axis.stride) + 1,
                     floor_div(changed.end - 1 + axis.pad_begin, axis.stride) + 1};
  if (reached.empty()) return {};
  // A block of positions computed together (Winograd's tiles) rounds every value of it
  // from all that its windows read: a change reaching one of its positions changes them all.
  const int64_t align = std::max<int64_t>(1, axis.align);
  return intersect(Band{floor_div(reached.begin, align) * align, ceil_div(reached.end, align) * align},
                   Band{0, output_size});
}

Box reached_box(const SpatialDependence& dependence, SpatialDependence::Role role, const Shape& input_shape,
                const Box& changed, int64_t output_height, int64_t output_width) {
  using Role = SpatialDependence::Role;
  if (changed.empty()) return {};
  const Box whole{{0, output_height}, {0, output_width}};
  if (role == Role::Whole || changed.rows.end == Band::all().end || changed.cols.end == Band::all().end) return whole;
  if (role == Role::Aligned) {
    // Added, never mixed; an axis of size 1 is broadcast over the whole output axis.
    return {input_shape[2] == output_height ? intersect(changed.rows, whole.rows) : whole.rows,
            input_shape[3] == output_width ? intersect(changed.cols, whole.cols) : whole.cols};
  }
  const Box reached{reached_band(dependence.rows, changed.rows, output_height),
                    reached_band(dependence.cols, changed.cols, output_width)};
  return reached.empty() ? Box{} : reached;
}

BandRun band_run(const AxisWindow& axis, Band output, int64_t input_size, int64_t output_size) {
  // The run's first output position reads input from `first * stride - pad_begin`, as the
  // whole run does, only if its input band starts `first * stride` positions in: the
  // positions within pad_begin of the band's start then read the band's own padding, and
  // are computed only to be dropped.
  // With blocks of `align` positions, the band covers the blocks of the positions wanted
  // whole, and starts a block earlier where the first of them would read the band's padding.
  BandRun run;
  if (axis.whole) return {{0, output_size}, {0, input_size}, {0, output_size}};
  const int64_t align = std::max<int64_t>(1, axis.align);
  const int64_t begin = floor_div(output.begin, align) * align;
  const int64_t end = std::min(output_size, ceil_div(output.end, align) * align);
  run.output = {begin, end};
  const int64_t first = std::max<int64_t>(0, begin - ceil_div(ceil_div(axis.pad_begin, axis.stride), align) * align);
  run.input = {first * axis.stride, std::min(input_size, (end - 1) * axis.stride - axis.pad_begin + axis.extent)};
  const int64_t computed =
      floor_div(run.input.size() + axis.pad_begin + axis.pad_end - axis.extent, axis.stride) + 1;
  run.computed = {first, std::min(output_size, first + computed)};
  assert(run.computed.begin <= output.begin && output.end <= run.computed.end);
  return run;
}

void copy_box(const Tensor& from, Tensor& to, const BoxCopy& copy) {
  if (copy.rows <= 0 || copy.cols <= 0) return;
  const int64_t planes = from.dim(0) * from.dim(1);
  const size_t element = dtype_size(from.dtype());
  const int64_t from_h = from.dim(2), from_w = from.dim(3), to_h = to.dim(2), to_w = to.dim(3);
  const auto* source = static_cast<const std::byte*>(from.raw());
  auto* target = static_cast<std::byte*>(to.raw());
  // Whole lines: one copy of all the rows of a plane.
  const bool lines = copy.cols == from_w && copy.cols == to_w;
  const size_t bytes = static_cast<size_t>(lines ? copy.rows * copy.cols : copy.cols) * element;
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t r = 0; r < (lines ? 1 : copy.rows); ++r) {
      const int64_t from_at = (p * from_h + copy.from_row + r) * from_w + copy.from_col;
      const int64_t to_at = (p * to_h + copy.to_row + r) * to_w + copy.to_col;
      std::memcpy(target + static_cast<size_t>(to_at) * element, source + static_cast<size_t>(from_at) * element,
                  bytes);
    }
  }
}

Tensor BoxBuffers::tensor(size_t index, DType dtype, const Shape& shape) {
  if (buffers_.size() <= index) buffers_.resize(index + 1);
  Buffer& buffer = buffers_[index];
  const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  if (buffer.size < bytes || !buffer.bytes) {
    buffer.bytes = allocate_block(std::max<size_t>(bytes, 64), "a replay's box of rows and columns");
    buffer.size = bytes;
  }
  return Tensor::over(dtype, shape, buffer.bytes, buffer.bytes.get());
}

Tensor BoxBuffers::box_of(size_t index, const Tensor& from, const Box& box) {
  Tensor part = tensor(index, from.dtype(), {from.dim(0), from.dim(1), box.rows.size(), box.cols.size()});
  copy_box(from, part, {box.rows.begin, box.cols.begin, 0, 0, box.rows.size(), box.cols.size()});
  return part;
}

}  // namespace vigil

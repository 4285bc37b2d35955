// SPDX-License-Identifier: Apache-2.0
// Bands of rows for replays: the geometry of runtime/row_band.h and the copies.
#include "runtime/row_band.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/memory_budget.h"

namespace vigil {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }
int64_t ceil_div(int64_t a, int64_t b) { return -floor_div(-a, b); }

size_t row_bytes(const Tensor& t) { return static_cast<size_t>(t.dim(3)) * dtype_size(t.dtype()); }

}  // namespace

RowBand unite(RowBand a, RowBand b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return {std::min(a.begin, b.begin), std::max(a.end, b.end)};
}

RowBand intersect(RowBand a, RowBand b) { return {std::max(a.begin, b.begin), std::min(a.end, b.end)}; }

RowBand differing_rows(const Tensor& now, const Tensor& traced, RowBand within) {
  assert(now.rank() == 4 && now.shape() == traced.shape() && now.dtype() == traced.dtype());
  within = intersect(within, {0, now.dim(2)});
  if (within.empty() || now.raw() == traced.raw()) return {};
  const int64_t planes = now.dim(0) * now.dim(1), height = now.dim(2);
  const size_t line = row_bytes(now);
  const auto* a = static_cast<const std::byte*>(now.raw());
  const auto* b = static_cast<const std::byte*>(traced.raw());
  auto differs = [&](int64_t plane, int64_t row) {
    const size_t at = static_cast<size_t>(plane * height + row) * line;
    return std::memcmp(a + at, b + at, line) != 0;
  };
  // [first, last) grows plane by plane; each plane is searched only outside it.
  int64_t first = within.end, last = within.begin;
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t r = within.begin; r < first; ++r) {
      if (differs(p, r)) {
        first = r;
        break;
      }
    }
    for (int64_t r = within.end; r-- > std::max(last, first);) {
      if (differs(p, r)) {
        last = r + 1;
        break;
      }
    }
  }
  return {first, last};
}

RowBand reached_rows(const RowDependence& rows, RowDependence::Role role, RowBand changed, int64_t output_height) {
  if (changed.empty()) return {};
  if (role == RowDependence::Role::Whole || changed.end == RowBand::all().end) return {0, output_height};
  if (role == RowDependence::Role::Aligned) return intersect(changed, {0, output_height});  // added, never mixed
  // Output row o reads [o s - pad_top, o s - pad_top + extent).
  const RowBand reached{floor_div(changed.begin + rows.pad_top - rows.extent, rows.stride) + 1,
                        floor_div(changed.end - 1 + rows.pad_top, rows.stride) + 1};
  // A block of rows computed together (Winograd's tiles) rounds every row of it from all
  // the rows its windows read: a change reaching one of its rows changes them all.
  const int64_t align = std::max<int64_t>(1, rows.align);
  if (reached.empty()) return {};
  return intersect({floor_div(reached.begin, align) * align, ceil_div(reached.end, align) * align}, {0, output_height});
}

BandRun band_run(const RowDependence& rows, RowBand output, int64_t input_height, int64_t output_height) {
  // The run's first output row reads input from row `first * stride - pad_top`, as the
  // whole run does, only if its input band starts `first * stride` rows down: the rows
  // within pad_top of the band's top then read the band's own padding, and are computed
  // only to be dropped.
  // With blocks of `align` rows, the band covers the blocks of the rows wanted whole, and
  // starts a block earlier where the first of them would read the band's padding.
  BandRun run;
  const int64_t align = std::max<int64_t>(1, rows.align);
  const int64_t begin = floor_div(output.begin, align) * align;
  const int64_t end = std::min(output_height, ceil_div(output.end, align) * align);
  run.output = {begin, end};
  const int64_t first = std::max<int64_t>(0, begin - ceil_div(ceil_div(rows.pad_top, rows.stride), align) * align);
  run.input = {first * rows.stride, std::min(input_height, (end - 1) * rows.stride - rows.pad_top + rows.extent)};
  const int64_t computed = floor_div(run.input.rows() + rows.pad_top + rows.pad_bottom - rows.extent, rows.stride) + 1;
  run.computed = {first, std::min(output_height, first + computed)};
  assert(run.computed.begin <= output.begin && output.end <= run.computed.end);
  return run;
}

void copy_rows(const Tensor& from, int64_t from_row, Tensor& to, int64_t to_row, int64_t count) {
  if (count <= 0) return;
  const int64_t planes = from.dim(0) * from.dim(1);
  const size_t line = row_bytes(from);
  const auto* source = static_cast<const std::byte*>(from.raw()) + static_cast<size_t>(from_row) * line;
  auto* target = static_cast<std::byte*>(to.raw()) + static_cast<size_t>(to_row) * line;
  const size_t from_plane = static_cast<size_t>(from.dim(2)) * line, to_plane = static_cast<size_t>(to.dim(2)) * line;
  for (int64_t p = 0; p < planes; ++p) {
    std::memcpy(target + p * to_plane, source + p * from_plane, static_cast<size_t>(count) * line);
  }
}

Tensor BandBuffers::tensor(size_t index, DType dtype, const Shape& shape) {
  if (buffers_.size() <= index) buffers_.resize(index + 1);
  Buffer& buffer = buffers_[index];
  const size_t bytes = static_cast<size_t>(shape_numel(shape)) * dtype_size(dtype);
  if (buffer.size < bytes || !buffer.bytes) {
    buffer.bytes = allocate_block(std::max<size_t>(bytes, 64), "a replay's band of rows");
    buffer.size = bytes;
  }
  return Tensor::over(dtype, shape, buffer.bytes, buffer.bytes.get());
}

Tensor BandBuffers::rows_of(size_t index, const Tensor& from, RowBand rows) {
  Tensor band = tensor(index, from.dtype(), {from.dim(0), from.dim(1), rows.rows(), from.dim(3)});
  copy_rows(from, rows.begin, band, 0, rows.rows());
  return band;
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Boxes of rows and columns, for replays that recompute only what a change reaches
// (runtime/session_replay.cc). A fault in one value of a 4-D (N, C, H, W) activation
// changes one position of the map; each convolution, pooling or elementwise step after it
// changes only the positions whose window reads a changed one (ops/operator.h,
// SpatialDependence), so a replay can run such a step on a box of its inputs and keep the
// trace's values outside it. Here: where two tensors differ, which box a change reaches,
// which input box a box of outputs needs, and copies of boxes.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "ops/operator.h"

namespace vigil {

// Positions [begin, end) along one axis (rows or columns); empty when end <= begin.
struct Band {
  int64_t begin = 0, end = 0;

  bool empty() const { return end <= begin; }
  int64_t size() const { return empty() ? 0 : end - begin; }
  static Band all() { return {0, std::numeric_limits<int64_t>::max()}; }
};
// The smallest band holding both.
Band unite(Band a, Band b);
// The positions of both.
Band intersect(Band a, Band b);

// Rows and columns of axes 2 and 3; empty when either is.
struct Box {
  Band rows, cols;

  bool empty() const { return rows.empty() || cols.empty(); }
  int64_t area() const { return empty() ? 0 : rows.size() * cols.size(); }
  // Everything: a value that changed as a whole (not 4-D, or of another shape).
  static Box all() { return {Band::all(), Band::all()}; }
  // The whole of a 4-D tensor's map.
  static Box of(const Tensor& tensor) { return {{0, tensor.dim(2)}, {0, tensor.dim(3)}}; }
};
// The smallest box holding both.
Box unite(const Box& a, const Box& b);
Box intersect(const Box& a, const Box& b);

// The smallest box of `within` outside which `now` and `traced`, 4-D tensors of one type
// and shape, are bit for bit the same in every (image, channel) plane; empty where they
// are identical.
Box differing_box(const Tensor& now, const Tensor& traced, Box within);

// The output positions (of `output_size`) along one axis that read a changed position of
// `changed` of an input Windowed along `axis`.
Band reached_band(const AxisWindow& axis, Band changed, int64_t output_size);
// The output box (of an output of `output_height` x `output_width`) that reads a changed
// value of `changed` of an input of `input_shape` playing `role` in `dependence`.
Box reached_box(const SpatialDependence& dependence, SpatialDependence::Role role, const Shape& input_shape,
                const Box& changed, int64_t output_height, int64_t output_width);

// How to compute output positions `output` alone along one axis: run the operator on
// positions `input` of its Windowed inputs and `computed` of its Aligned ones. The run
// yields the output positions `computed` (a band around `output`), of which `output` are
// exact: those at the band's ends, whose windows reach past it into padding the whole
// input lacks, are not.
struct BandRun {
  Band output, input, computed;
};
BandRun band_run(const AxisWindow& axis, Band output, int64_t input_size, int64_t output_size);

// Copies the box of `rows` x `cols` values at (from_row, from_col) of every (image,
// channel) plane of `from` to (to_row, to_col) of the same plane of `to` (4-D, same type,
// images and channels).
struct BoxCopy {
  int64_t from_row = 0, from_col = 0, to_row = 0, to_col = 0, rows = 0, cols = 0;
};
void copy_box(const Tensor& from, Tensor& to, const BoxCopy& copy);

// Tensors over buffers kept from one replay to the next, which grow only: the boxes a
// replay runs on allocate nothing once the buffers have reached the largest box.
class BoxBuffers {
 public:
  // A tensor of `dtype` and `shape` over buffer `index` (its contents undefined).
  Tensor tensor(size_t index, DType dtype, const Shape& shape);
  // Box `box` of 4-D `from`, copied into buffer `index`.
  Tensor box_of(size_t index, const Tensor& from, const Box& box);

 private:
  struct Buffer {
    std::shared_ptr<std::byte> bytes;
    size_t size = 0;
  };
  std::vector<Buffer> buffers_;
};

}  // namespace vigil

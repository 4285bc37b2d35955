// SPDX-License-Identifier: Apache-2.0
// Bands of rows, for replays that recompute only what a change reaches
// (runtime/session_replay.cc). A fault in one value of a 4-D (N, C, H, W) activation
// changes a few rows; each convolution, pooling or elementwise step after it changes only
// the rows whose window reads a changed row (ops/operator.h, RowDependence), so a replay
// can run such a step on a band of its inputs' rows and keep the trace's other rows.
// Here: where two tensors differ, which rows a change reaches, which input rows a band of
// output rows needs, and copies of bands.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "core/tensor.h"
#include "ops/operator.h"

namespace vigil {

// Rows [begin, end) of axis 2; empty when end <= begin.
struct RowBand {
  int64_t begin = 0, end = 0;

  bool empty() const { return end <= begin; }
  int64_t rows() const { return empty() ? 0 : end - begin; }
  // Every row: a value that changed as a whole (not 4-D, or of another shape).
  static RowBand all() { return {0, std::numeric_limits<int64_t>::max()}; }
};

// The smallest band holding both.
RowBand unite(RowBand a, RowBand b);
// The rows of both.
RowBand intersect(RowBand a, RowBand b);

// The rows in `within` where `now` and `traced`, 4-D tensors of one type and shape,
// differ bit for bit in any (image, channel) plane; empty where they are identical.
RowBand differing_rows(const Tensor& now, const Tensor& traced, RowBand within);

// The output rows (of `output_height`) that read a row of `changed` of an input playing
// `role` in `rows`.
RowBand reached_rows(const RowDependence& rows, RowDependence::Role role, RowBand changed, int64_t output_height);

// How to compute output rows `output` alone: run the operator on rows `input` of its
// Windowed inputs and rows `computed` of its Aligned ones. The run yields the output rows
// `computed` (a band around `output`), of which `output` are exact: the rows at the
// band's ends, whose windows reach past it into padding the whole input lacks, are not.
struct BandRun {
  RowBand output, input, computed;
};
BandRun band_run(const RowDependence& rows, RowBand output, int64_t input_height, int64_t output_height);

// Copies `count` rows from row `from_row` of every (image, channel) plane of `from` to
// row `to_row` of the same plane of `to` (4-D, same type, images, channels and width).
void copy_rows(const Tensor& from, int64_t from_row, Tensor& to, int64_t to_row, int64_t count);

// Tensors over buffers kept from one replay to the next, which grow only: the bands a
// replay runs on allocate nothing once the buffers have reached the largest band.
class BandBuffers {
 public:
  // A tensor of `dtype` and `shape` over buffer `index` (its contents undefined).
  Tensor tensor(size_t index, DType dtype, const Shape& shape);
  // Rows `rows` of 4-D `from`, copied into buffer `index`.
  Tensor rows_of(size_t index, const Tensor& from, RowBand rows);

 private:
  struct Buffer {
    std::shared_ptr<std::byte> bytes;
    size_t size = 0;
  };
  std::vector<Buffer> buffers_;
};

}  // namespace vigil

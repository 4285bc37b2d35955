// SPDX-License-Identifier: Apache-2.0
// The checks of kernels/gemm_check.h for the int8 GEMM driver (qs8_gemm.cc): a product's
// check, shared by its threads, and each thread's part of it. The weights are always A,
// so the check compares the sums of C's columns: the int32 sums of products (before the
// row offset that folds B's zero point and the bias) against (e^T A) B over B's packed
// bytes, both modulo 2^32, where equality is exact. The threads that split the rows take
// turns panel by panel to predict the columns they share, and add their sums into them
// when they end, atomically (an add modulo 2^32 does not depend on the order); a thread
// that has its columns to itself tallies straight into the product's sums.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/gemm_check.h"
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_thread_grid.h"
#include "kernels/worker_scratch.h"
#include "kernels/qs8_gemm.h"

namespace vigil::kernels {

struct QS8RectangleBuffers;  // a worker's sums of its rectangle's columns

class QS8ProductCheck {
 public:
  QS8ProductCheck(GemmCheckSink& sink, int64_t m, int64_t n, int64_t k, const QS8PackedWeights& a,
                  const QS8GemmEpilogue& epilogue, GemmThreadGrid grid);
  bool separate() const { return separate_; }
  GemmThreadGrid grid() const { return grid_; }
  int64_t rows() const { return m_; }
  // Separate, with int32 outputs: C's sums are read back from C, less each row's offset.
  bool reads_back() const { return read_back_; }
  const S32Checksum& checksum() const { return checksum_; }  // e^T A, 4 x groups() values
  int64_t groups() const { return (k_ + 3) / 4; }
  const GemmChecksumPredictKernel& kernel() const { return *kernel_; }
  uint32_t* expected() { return expected_.data(); }
  uint32_t* actual() { return actual_.data(); }
  // Adds a rectangle's sums into columns that other rectangles share, atomically.
  void add_sums(int64_t first, int64_t count, const uint32_t* sums);
  void finish();  // compares every column and reports to the sink
  // The running worker's buffers for its rectangle's sums.
  QS8RectangleBuffers& rectangle_buffers();

 private:
  GemmCheckSink& sink_;
  WorkerScratch<QS8RectangleBuffers>& rectangle_scratch_;  // the calling thread's
  int64_t m_, n_, k_;
  bool separate_, read_back_;
  GemmThreadGrid grid_;
  S32Checksum checksum_;
  std::vector<uint32_t>&expected_, &actual_;  // the calling thread's, which only grow
  const GemmChecksumPredictKernel* kernel_;
};

// One thread's rectangle [m0, m1) x [n0, n1) of a checked product.
class QS8RectangleCheck {
 public:
  QS8RectangleCheck(QS8ProductCheck& check, int64_t m0, int64_t m1, int64_t n0, int64_t n1, int mr, int nr);
  ~QS8RectangleCheck();  // adds the thread's sums into columns it shares with others
  // Whether the micro-kernels tally the tiles' columns (else C is read back), and where
  // for the tile whose first column is j (QS8TileEpilogue::tally).
  bool tallies() const { return !check_.reads_back(); }
  uint32_t* tally_at(int64_t j) { return sums_ + (j - n0_); }
  // Whether this thread predicts the panel of columns starting at `first` (its turn), and
  // the prediction from one packed B panel (kernels/qs8_gemm.h layout) of columns
  // [first, first + cols).
  bool predicts(int64_t first) const { return (first / nr_) % check_.grid().rectangles_m == turn_; }
  void predict(const uint8_t* panel, int nr, int64_t first, int cols);
  // Separate: C's int32 sums read back from the rectangle, less each row's offset
  // (bias - B's zero point x the row's sum of weights, as the driver folds it).
  void read_back(const int32_t* c, int64_t ldc, const QS8PackedWeights& a, const QS8GemmEpilogue& epilogue,
                 uint32_t b_zero_point);

 private:
  QS8ProductCheck& check_;
  int64_t m0_, m1_, n0_, n1_;
  int nr_, turn_;
  // Where threads split the rows, each adds its columns into a worker's buffer of its own,
  // then atomically into the product's sums; else straight into the product's sums.
  bool shares_columns_;
  uint32_t* sums_;
};

}  // namespace vigil::kernels

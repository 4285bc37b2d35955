// SPDX-License-Identifier: Apache-2.0
// The checks of kernels/gemm_check.h for the f32 GEMM driver (f32_gemm.cc): a product's
// check, shared by its threads, and each thread's part of it.
//
// Lines: the check compares the sums of C's columns when A carries the checksum (packed
// weights, or two activations: e^T A computed on the fly), of its rows when the weights
// are B (B e). The threads that share lines (those that split the other side) take turns
// panel by panel to predict them and gather their sums of C apart, added into the lines
// when each ends, atomically; a thread that has its lines to itself tallies straight into
// the product's sums. A thread that owns its lines also zeroes and compares them, so no
// pass over the lines runs on one thread alone. The rounding bound follows
// the order of the sums: the micro-kernel accumulates blocks of `depth_block` k and then
// adds the blocks, so C's sums err by at most (block + blocks) u (|e^T| |A| |B|), not k u;
// the prediction, accumulated the same way, as much again (F32ProductCheck::finish).
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "kernels/f32_gemm.h"
#include "kernels/gemm_check.h"
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_thread_grid.h"
#include "kernels/worker_scratch.h"

namespace vigil::kernels {

struct F32RectangleBuffers;  // a worker's sums of its rectangle's lines

// The encoded checksum of A (m x k): e^T A, then e^T |A|, 2k floats. F32PackedA encodes
// its weights with it, F32PackedB its transpose (B e).
void f32_encode_checksum(const F32Matrix& a, int64_t m, int64_t k, float* checksum);

class F32ProductCheck {
 public:
  F32ProductCheck(GemmCheckSink& sink, int64_t m, int64_t n, int64_t k, int64_t depth_block, const F32GemmA& a,
                  const F32GemmB& b, const Epilogue& epilogue, GemmThreadGrid grid);
  bool by_rows() const { return by_rows_; }
  GemmThreadGrid grid() const { return grid_; }
  int64_t rows() const { return m_; }
  int64_t columns() const { return n_; }
  bool separate() const { return separate_; }
  // Separate, with an epilogue that adds at most a bias: C's sums are read back from C.
  bool reads_back() const { return read_back_; }
  // The checksum of the weight side, per k: sums, then absolute sums.
  const float* sums() const { return sums_; }
  const float* abs_sums() const { return abs_sums_; }
  const GemmChecksumPredictKernel& kernel() const { return *kernel_; }
  float* expected() { return expected_.data(); }
  float* bound() { return bound_.data(); }
  double* actual() { return actual_.data(); }
  double* spread() { return spread_.data(); }  // read back only
  // Whether the threads share lines of C (the grid splits the side they run along).
  bool lines_shared() const { return (by_rows_ ? grid_.rectangles_n : grid_.rectangles_m) > 1; }
  // Adds a thread's sums of C (and, read back, of |C|) for lines [first, first + count)
  // that other threads share, atomically.
  void add_sums(int64_t first, int64_t count, const double* sums, const double* spread);
  // Compares lines [first, first + count), complete, and counts them; from any thread.
  void compare(int64_t first, int64_t count);
  // Compares the lines no thread compared, then reports to the sink; once every thread
  // has ended.
  void finish();
  // The running worker's buffers for its rectangle's sums.
  F32RectangleBuffers& rectangle_buffers();

 private:
  GemmCheckSink& sink_;
  WorkerScratch<F32RectangleBuffers>& rectangle_scratch_;  // the calling thread's
  int64_t m_, n_, k_, depth_block_;
  bool by_rows_ = false, separate_ = false, read_back_ = false;
  GemmThreadGrid grid_;
  const float* sums_ = nullptr;
  const float* abs_sums_ = nullptr;
  int verdict(size_t line, double* allowed) const;
  // The calling thread's buffers, which only grow (no allocation once warm).
  std::vector<float>& computed_;  // e^T A and e^T |A| when A carries no checksum
  std::vector<float>&expected_, &bound_;
  std::vector<double>&actual_, &spread_;
  const GemmChecksumPredictKernel* kernel_;
  double tolerance_ = 0.0;  // of the bound, in units of it (finish)
  std::atomic<int64_t> lines_checked_{0}, failures_{0};
};

// One thread's rectangle [m0, m1) x [n0, n1) of a checked product.
class F32RectangleCheck {
 public:
  F32RectangleCheck(F32ProductCheck& check, int64_t m0, int64_t m1, int64_t n0, int64_t n1, int mr, int nr);
  // Adds the thread's sums into lines it shares with others, or compares its own lines.
  ~F32RectangleCheck();
  // Whether the micro-kernels tally the tiles' lines (else C is read back), and where for
  // the tile at (i, j) (F32TileEpilogue::tally).
  bool tallies() const { return tallies_; }
  double* tally_at(int64_t i, int64_t j) { return sums_ + (check_.by_rows() ? i - m0_ : j - n0_); }
  // Whether this thread predicts the panel of lines starting at `first` (its turn among the
  // threads sharing them), and the prediction from one panel of the other operand: depth
  // [p0, p0 + depth), lines [first, first + width) of C.
  bool predicts(int64_t first) const { return (first / panel_lines_) % sharers_ == turn_; }
  void predict(int64_t p0, int64_t depth, const float* panel, int64_t stride, int64_t first, int width);
  // Separate: C's sums read back from rows [m0, m1) x columns [n0, n1) of C, less the bias.
  void read_back(const float* c, int64_t ldc, const Epilogue& epilogue);

 private:
  F32ProductCheck& check_;
  int64_t m0_, m1_, n0_, n1_, lines_;
  int panel_lines_, sharers_, turn_;
  bool tallies_;
  // A worker's buffers of its own where threads share the lines, else the product's.
  double* sums_;
  double* spread_;
};

}  // namespace vigil::kernels

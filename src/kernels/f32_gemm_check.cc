// SPDX-License-Identifier: Apache-2.0
// The f32 GEMM's checks (kernels/f32_gemm_check.h).
#include "kernels/f32_gemm_check.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace vigil::kernels {

// A worker's sums of its rectangle's lines.
struct F32RectangleBuffers {
  std::vector<double> sums, spread;
  void grow_to(const F32RectangleBuffers& other) {
    sums.reserve(other.sums.capacity());
    spread.reserve(other.spread.capacity());
  }
};

namespace {

struct ProductBuffers {
  std::vector<float> computed, expected, bound;
  std::vector<double> actual, spread;
  void grow_to(const ProductBuffers& other) {
    computed.reserve(other.computed.capacity());
    expected.reserve(other.expected.capacity());
    bound.reserve(other.bound.capacity());
    actual.reserve(other.actual.capacity());
    spread.reserve(other.spread.capacity());
  }
};
ThreadScratch<ProductBuffers> product_buffers;

ThreadScratch<WorkerScratch<F32RectangleBuffers>> worker_rectangle_buffers;  // each thread's products' workers

ThreadScratch<ScratchVector<double>> checksum_totals, checksum_magnitudes;  // f32_encode_checksum's

constexpr double kUnit = 0x1p-24;  // fp32's unit roundoff

}  // namespace

// e^T A and e^T |A| of A (m x k), per k, in double, rounded once.
void f32_encode_checksum(const F32Matrix& a, int64_t m, int64_t k, float* checksum) {
  float* sums = checksum;
  float* abs_sums = checksum + k;
  std::vector<double>& total = checksum_totals.mine().values;  // grow only: products on the fly allocate nothing once warm
  std::vector<double>& magnitude = checksum_magnitudes.mine().values;
  total.assign(static_cast<size_t>(k), 0.0);
  magnitude.assign(static_cast<size_t>(k), 0.0);
  if (!a.transposed) {  // the rows, on the vector kernel
    gemm_checksum_predict_kernels().active().f64_add_rows(a.data, a.ld, m, k, total.data(), magnitude.data());
  } else {
    for (int64_t p = 0; p < k; ++p) {
      for (int64_t i = 0; i < m; ++i) {
        const double v = a.data[p * a.ld + i];
        total[static_cast<size_t>(p)] += v;
        magnitude[static_cast<size_t>(p)] += std::fabs(v);
      }
    }
  }
  for (int64_t p = 0; p < k; ++p) {
    sums[p] = static_cast<float>(total[static_cast<size_t>(p)]);
    abs_sums[p] = static_cast<float>(magnitude[static_cast<size_t>(p)]);
  }
}

F32ProductCheck::F32ProductCheck(GemmCheckSink& sink, int64_t m, int64_t n, int64_t k, int64_t depth_block,
                                 const F32GemmA& a, const F32GemmB& b, const Epilogue& epilogue,
                                 GemmThreadGrid grid)
    : sink_(sink),
      rectangle_scratch_(worker_rectangle_buffers.mine()),
      m_(m),
      n_(n),
      k_(k),
      depth_block_(depth_block),
      computed_(product_buffers.mine().computed),
      expected_(product_buffers.mine().expected),
      bound_(product_buffers.mine().bound),
      actual_(product_buffers.mine().actual),
      spread_(product_buffers.mine().spread),
      kernel_(&gemm_checksum_predict_kernels().active()) {
  if (a.packed) {
    sums_ = a.packed->checksum();
  } else if (b.packed) {
    by_rows_ = true;
    sums_ = b.packed->checksum();
  } else {
    computed_.resize(static_cast<size_t>(2 * k));
    f32_encode_checksum(a.matrix, m, k, computed_.data());
    sums_ = computed_.data();
  }
  abs_sums_ = sums_ + k;
  separate_ = sink.scheme() == GemmCheckScheme::Separate;
  read_back_ = separate_ && epilogue.scale == 1.0f && !epilogue.residual &&
               epilogue.activation.kind == Activation::None && !epilogue.tile_hook;
  grid_ = grid;
  // The bound of the check (first order in u, over beta = the prediction over absolute
  // values): C's sums, accumulated over blocks of depth in the micro-kernel, err by at
  // most (block + blocks) u beta; the prediction, accumulated the same way in float, as
  // much; a tile's tally in float adds up to 32 u, the rounded checksum u, a read-back
  // bias u |C|. The allowance covers them all, with room for the second-order terms.
  const int64_t blocks = (k_ + depth_block_ - 1) / depth_block_;
  tolerance_ = kUnit * static_cast<double>(2 * (std::min(k_, depth_block_) + blocks) + 40);
  // The threads zero the lines they predict, and those they tally where they own them
  // (F32RectangleCheck); lines the threads share start from zero here.
  const size_t lines = static_cast<size_t>(by_rows_ ? m : n);
  expected_.resize(lines);
  bound_.resize(lines);
  actual_.resize(lines);
  spread_.resize(read_back_ ? lines : 0);
  if (lines_shared()) {
    std::fill(actual_.begin(), actual_.end(), 0.0);
    std::fill(spread_.begin(), spread_.end(), 0.0);
  }
  rectangle_scratch_.prepare(grid.rectangles_m * grid.rectangles_n);
}

F32RectangleBuffers& F32ProductCheck::rectangle_buffers() { return rectangle_scratch_.mine(); }

void F32ProductCheck::add_sums(int64_t first, int64_t count, const double* sums, const double* spread) {
  for (int64_t l = 0; l < count; ++l) {
    std::atomic_ref<double>(actual_[static_cast<size_t>(first + l)]).fetch_add(sums[l], std::memory_order_relaxed);
    if (read_back_) {
      std::atomic_ref<double>(spread_[static_cast<size_t>(first + l)]).fetch_add(spread[l], std::memory_order_relaxed);
    }
  }
}

// A line's verdict: 0 agrees, 1 disagrees, 2 unchecked (NaN or Inf in the operands:
// nothing to check against), with the difference it allows. Branch-free, so that the
// comparison of many lines vectorizes.
int F32ProductCheck::verdict(size_t at, double* allowed) const {
  constexpr double kLargest = std::numeric_limits<double>::max();
  const double predicted = expected_[at], bound = bound_[at];
  const double spread = read_back_ ? spread_[at] : 0.0;
  *allowed = tolerance_ * bound + 2.0 * kUnit * spread;
  const double difference = std::fabs(actual_[at] - predicted);
  const bool checkable = std::fabs(predicted) <= kLargest && std::fabs(bound) <= kLargest;
  // A sum that is not finite where the prediction is disagrees (an infinite read-back
  // spread would allow anything).
  const bool agrees = difference <= *allowed && difference <= kLargest && spread <= kLargest;
  return checkable ? static_cast<int>(!agrees) : 2;
}

void F32ProductCheck::compare(int64_t first, int64_t count) {
  int64_t unchecked = 0, failures = 0;
  for (int64_t l = first; l < first + count; ++l) {
    double allowed;
    const int v = verdict(static_cast<size_t>(l), &allowed);
    unchecked += v == 2;
    failures += v == 1;
  }
  lines_checked_.fetch_add(count - unchecked, std::memory_order_relaxed);
  failures_.fetch_add(failures, std::memory_order_relaxed);
}

void F32ProductCheck::finish() {
  rectangle_scratch_.equalize();
  const int64_t lines = by_rows_ ? m_ : n_;
  if (lines_shared()) compare(0, lines);
  GemmCheckTally tally;
  tally.products = 1;
  tally.lines = lines_checked_.load(std::memory_order_relaxed);
  tally.failures = failures_.load(std::memory_order_relaxed);
  // Only a failing product looks at its lines again, to describe the first.
  for (int64_t l = 0; tally.failures > 0 && l < lines; ++l) {
    double allowed;
    if (verdict(static_cast<size_t>(l), &allowed) != 1) continue;
    const size_t at = static_cast<size_t>(l);
    tally.first_failure =
        str_cat(by_rows_ ? "row " : "column ", l, " of a ", m_, " x ", n_, " x ", k_, " fp32 product sums to ",
                actual_[at], ", its checksum predicts ", expected_[at], " (rounding allows ", allowed, ")");
    break;
  }
  sink_.add(tally);
}

F32RectangleCheck::F32RectangleCheck(F32ProductCheck& check, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                                     int mr, int nr)
    : check_(check),
      m0_(m0),
      m1_(m1),
      n0_(n0),
      n1_(n1),
      lines_(check.by_rows() ? m1 - m0 : n1 - n0),
      panel_lines_(check.by_rows() ? mr : nr),
      sharers_(check.by_rows() ? check.grid().rectangles_n : check.grid().rectangles_m),
      turn_(check.by_rows() ? gemm_thread_column_group(n0, check.columns(), nr, check.grid())
                            : gemm_thread_row_group(m0, check.rows(), mr, check.grid())),
      tallies_(!check.reads_back()) {
  const int64_t first = check.by_rows() ? m0 : n0;
  for (int64_t line = first; line < first + lines_; line += panel_lines_) {
    if (!predicts(line)) continue;
    const int64_t end = std::min(line + panel_lines_, first + lines_);
    std::fill(check.expected() + line, check.expected() + end, 0.0f);
    std::fill(check.bound() + line, check.bound() + end, 0.0f);
  }
  if (sharers_ == 1) {  // its lines are its own: it adds into the product's sums
    sums_ = check.actual() + first;
    spread_ = check.spread() + first;
    std::fill(sums_, sums_ + lines_, 0.0);
    if (check.reads_back()) std::fill(spread_, spread_ + lines_, 0.0);
    return;
  }
  F32RectangleBuffers& own = check.rectangle_buffers();
  own.sums.assign(static_cast<size_t>(lines_), 0.0);
  own.spread.assign(check.reads_back() ? static_cast<size_t>(lines_) : 0, 0.0);
  sums_ = own.sums.data();
  spread_ = own.spread.data();
}

F32RectangleCheck::~F32RectangleCheck() {
  const int64_t first = check_.by_rows() ? m0_ : n0_;
  if (sharers_ > 1) {
    check_.add_sums(first, lines_, sums_, spread_);
  } else {
    check_.compare(first, lines_);
  }
}

void F32RectangleCheck::predict(int64_t p0, int64_t depth, const float* panel, int64_t stride, int64_t first,
                                int width) {
  check_.kernel().f32(check_.sums() + p0, check_.abs_sums() + p0, depth, panel, stride, width,
                      check_.expected() + first, check_.bound() + first);
}

void F32RectangleCheck::read_back(const float* c, int64_t ldc, const Epilogue& epilogue) {
  const bool by_rows = check_.by_rows();
  for (int64_t i = m0_; i < m1_; ++i) {
    const float* row = c + i * ldc;
    for (int64_t j = n0_; j < n1_; ++j) {
      const double bias = !epilogue.bias ? 0.0 : epilogue.bias[epilogue.bias_per_column ? j : i];
      const size_t line = static_cast<size_t>(by_rows ? i - m0_ : j - n0_);
      sums_[line] += row[j] - bias;
      spread_[line] += std::fabs(row[j]);
    }
  }
}

}  // namespace vigil::kernels

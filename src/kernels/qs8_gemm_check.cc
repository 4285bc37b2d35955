// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM's checks (kernels/qs8_gemm_check.h).
#include "kernels/qs8_gemm_check.h"

#include <atomic>
#include <cstring>

#include "core/error.h"

namespace vigil::kernels {

struct QS8RectangleBuffers {
  std::vector<uint32_t> sums;
  void grow_to(const QS8RectangleBuffers& other) { sums.reserve(other.sums.capacity()); }
};

namespace {

struct ProductBuffers {
  std::vector<uint32_t> expected, actual;
  void grow_to(const ProductBuffers& other) {
    expected.reserve(other.expected.capacity());
    actual.reserve(other.actual.capacity());
  }
};
ThreadScratch<ProductBuffers> product_buffers;
ThreadScratch<WorkerScratch<QS8RectangleBuffers>> worker_rectangle_buffers;  // each thread's products' workers

}  // namespace

QS8ProductCheck::QS8ProductCheck(GemmCheckSink& sink, int64_t m, int64_t n, int64_t k, const QS8PackedWeights& a,
                                 const QS8GemmEpilogue& epilogue, GemmThreadGrid grid)
    : sink_(sink),
      rectangle_scratch_(worker_rectangle_buffers.mine()),
      m_(m),
      n_(n),
      k_(k),
      separate_(sink.scheme() == GemmCheckScheme::Separate),
      read_back_(separate_ && epilogue.output == QS8GemmOutput::I32 && !epilogue.tile_hook),
      grid_(grid),
      checksum_(a.checksum()),
      expected_(product_buffers.mine().expected),
      actual_(product_buffers.mine().actual),
      kernel_(&gemm_checksum_predict_kernels().active()) {
  expected_.assign(static_cast<size_t>(n), 0u);
  actual_.assign(static_cast<size_t>(n), 0u);
  rectangle_scratch_.prepare(grid.rectangles_m * grid.rectangles_n);
}

void QS8ProductCheck::add_sums(int64_t first, int64_t count, const uint32_t* sums) {
  for (int64_t j = 0; j < count; ++j) {
    std::atomic_ref<uint32_t>(actual_[static_cast<size_t>(first + j)]).fetch_add(sums[j], std::memory_order_relaxed);
  }
}

QS8RectangleBuffers& QS8ProductCheck::rectangle_buffers() { return rectangle_scratch_.mine(); }

void QS8ProductCheck::finish() {
  rectangle_scratch_.equalize();
  GemmCheckTally tally;
  tally.products = 1;
  tally.lines = n_;
  const bool agree = std::memcmp(actual_.data(), expected_.data(), static_cast<size_t>(n_) * sizeof(uint32_t)) == 0;
  for (int64_t j = 0; j < (agree ? 0 : n_); ++j) {
    const size_t at = static_cast<size_t>(j);
    if (actual_[at] == expected_[at]) continue;
    if (tally.failures++ == 0) {
      tally.first_failure = str_cat("column ", j, " of a ", m_, " x ", n_, " x ", k_,
                                    " int8 product: its int32 sums add up to ", static_cast<int32_t>(actual_[at]),
                                    ", its checksum predicts ", static_cast<int32_t>(expected_[at]), " (modulo 2^32)");
    }
  }
  sink_.add(tally);
}

QS8RectangleCheck::QS8RectangleCheck(QS8ProductCheck& check, int64_t m0, int64_t m1, int64_t n0, int64_t n1,
                                     int mr, int nr)
    : check_(check),
      m0_(m0),
      m1_(m1),
      n0_(n0),
      n1_(n1),
      nr_(nr),
      turn_(gemm_thread_row_group(m0, check.rows(), mr, check.grid())),
      shares_columns_(check.grid().rectangles_m > 1) {
  if (!shares_columns_) {  // its columns are its own: it adds into the product's sums
    sums_ = check.actual() + n0;
    return;
  }
  std::vector<uint32_t>& own = check.rectangle_buffers().sums;
  own.assign(static_cast<size_t>(n1 - n0), 0u);
  sums_ = own.data();
}

QS8RectangleCheck::~QS8RectangleCheck() {
  if (shares_columns_) check_.add_sums(n0_, n1_ - n0_, sums_);
}

void QS8RectangleCheck::predict(const uint8_t* panel, int nr, int64_t first, int cols) {
  check_.kernel().s32(check_.checksum(), check_.groups(), panel, nr, cols, check_.expected() + first);
}

void QS8RectangleCheck::read_back(const int32_t* c, int64_t ldc, const QS8PackedWeights& a,
                                  const QS8GemmEpilogue& epilogue, uint32_t b_zero_point) {
  for (int64_t i = m0_; i < m1_; ++i) {
    const uint32_t bias = epilogue.bias ? static_cast<uint32_t>(epilogue.bias[i]) : 0u;
    const uint32_t offset = bias - b_zero_point * static_cast<uint32_t>(a.row_sums()[i]);
    const int32_t* row = c + i * ldc;
    for (int64_t j = n0_; j < n1_; ++j) sums_[j - n0_] += static_cast<uint32_t>(row[j]) - offset;
  }
}

}  // namespace vigil::kernels

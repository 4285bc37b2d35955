// SPDX-License-Identifier: Apache-2.0
// The reference GEMM: C = alpha * op(A) * op(B) + beta * C on raw pointers with leading
// dimensions, plain scalar C++. Conv (after im2col), ConvTranspose, MatMul and Gemm all
// reduce to it, so the loop order matters: rows of C are computed four at a time with a
// contiguous inner loop over columns (i-k-j), which g++ -O2 vectorises, and (row block,
// column block) tiles are spread over threads (core/thread_pool.h). It knows nothing of tensors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/thread_pool.h"

namespace vigil::kernels {

// One operand of a GEMM: element (r, c) of op(X) is data[r * ld + c], or
// data[c * ld + r] when transposed.
template <class T>
struct GemmOperand {
  const T* data;
  int64_t ld;
  bool transposed = false;
};

namespace gemm_detail {

constexpr int64_t kColumnBlock = 256;  // columns of C per tile: the tile rows stay in L1
constexpr int64_t kRowBlock = 4;       // rows of C sharing each load of a B row

// Rows [i0, i0 + R) and columns [j0, j1) of C += alpha * A * B, with B row-major
// (b[p * ldb + j]). R is a compile-time count so the R accumulations per B element
// vectorise over j.
template <class T, int R>
void gemm_tile(int64_t i0, int64_t j0, int64_t j1, int64_t k, T alpha, const GemmOperand<T>& a, const T* b, int64_t ldb,
               T* c, int64_t ldc) {
  T* rows[R];
  for (int r = 0; r < R; ++r) rows[r] = c + (i0 + r) * ldc;
  for (int64_t p = 0; p < k; ++p) {
    T factor[R];
    for (int r = 0; r < R; ++r) {
      const int64_t i = i0 + r;
      factor[r] = alpha * (a.transposed ? a.data[p * a.ld + i] : a.data[i * a.ld + p]);
    }
    const T* b_row = b + p * ldb;
    for (int64_t j = j0; j < j1; ++j) {
      const T value = b_row[j];
      for (int r = 0; r < R; ++r) rows[r][j] += factor[r] * value;
    }
  }
}

}  // namespace gemm_detail

// C (m x n, leading dimension ldc) = alpha * op(A) (m x k) * op(B) (k x n) + beta * C.
// beta == 0 overwrites C without reading it (so NaN in an uninitialised C does not leak).
template <class T>
void gemm_ref(int64_t m, int64_t n, int64_t k, T alpha, GemmOperand<T> a, GemmOperand<T> b, T beta, T* c, int64_t ldc,
              int threads = 1) {
  if (m <= 0 || n <= 0) return;
  for (int64_t i = 0; i < m; ++i) {
    T* row = c + i * ldc;
    if (beta == T(0)) {
      std::fill(row, row + n, T(0));
    } else if (beta != T(1)) {
      for (int64_t j = 0; j < n; ++j) row[j] *= beta;
    }
  }
  if (k <= 0 || alpha == T(0)) return;
  // A transposed B is packed once into row-major order so the inner loop stays contiguous.
  std::vector<T> packed;
  const T* b_rows = b.data;
  int64_t ldb = b.ld;
  if (b.transposed) {
    // In square blocks, so that neither side strides through memory one element at a time.
    constexpr int64_t kBlock = 64;
    packed.resize(static_cast<size_t>(k * n));
    for (int64_t j0 = 0; j0 < n; j0 += kBlock)
      for (int64_t p0 = 0; p0 < k; p0 += kBlock)
        for (int64_t j = j0; j < std::min(n, j0 + kBlock); ++j)
          for (int64_t p = p0; p < std::min(k, p0 + kBlock); ++p) packed[p * n + j] = b.data[j * b.ld + p];
    b_rows = packed.data();
    ldb = n;
  }
  using namespace gemm_detail;
  const int64_t row_blocks = (m + kRowBlock - 1) / kRowBlock;
  const int64_t column_blocks = (n + kColumnBlock - 1) / kColumnBlock;
  const int64_t tiles = row_blocks * column_blocks;
  const int team = static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(threads, tiles)));
  parallel_for(tiles, m * n * k > 32768 ? team : 1, [&](int64_t tile) {
    const int64_t i0 = (tile % row_blocks) * kRowBlock;
    const int64_t j0 = (tile / row_blocks) * kColumnBlock;
    const int64_t j1 = std::min(n, j0 + kColumnBlock);
    if (i0 + kRowBlock <= m) {
      gemm_tile<T, kRowBlock>(i0, j0, j1, k, alpha, a, b_rows, ldb, c, ldc);
    } else {
      for (int64_t i = i0; i < m; ++i) gemm_tile<T, 1>(i, j0, j1, k, alpha, a, b_rows, ldb, c, ldc);
    }
  });
}

// The float and double entry points, compiled once in gemm_ref.cc.
void f32_gemm_ref(int64_t m, int64_t n, int64_t k, float alpha, GemmOperand<float> a, GemmOperand<float> b, float beta,
                  float* c, int64_t ldc, int threads = 1);
void f64_gemm_ref(int64_t m, int64_t n, int64_t k, double alpha, GemmOperand<double> a, GemmOperand<double> b,
                  double beta, double* c, int64_t ldc, int threads = 1);

}  // namespace vigil::kernels

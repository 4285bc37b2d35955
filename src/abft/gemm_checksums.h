// SPDX-License-Identifier: Apache-2.0
// Algorithm-based fault tolerance for one matrix product C = A B, A the weights [m, k],
// B the activations [k, n], C the result [m, n], each a strided view (so that a transpose,
// Y^T = W^T X^T for MatMul's Y = X W, costs nothing).
// These are Huang and Abraham's checksums, the arithmetic that vigil's ABFT schemes
// (separate or fused into the GEMM) share:
//   - column check: the column sums of A (e^T A), encoded once when the weights are
//     known, predict the column sums of C: e^T C = (e^T A) B. Costs k n, 1/m of the GEMM;
//   - row check: A (B e) predicts the row sums C e. Costs m k, 1/n of the GEMM.
// A corrupted element of C shows in its row and its column, which locates it and gives
// the amount to subtract. int8 products are checked on their int32 accumulators in
// wrap-around arithmetic: integer arithmetic modulo 2^32 is exact, so a check is an
// equality, a clean product never fails it, and any corrupted accumulator (any bit) fails
// it. fp32 checks are computed in double and allow the rounding error of the product,
// bounded per check from the same sums over absolute values (|e^T| |A| |B|): no constant
// threshold, no false positive.
#pragma once

#include <cstdint>
#include <vector>

namespace vigil::abft {

// A matrix in memory: element (i, j) at data[i * row_stride + j * column_stride].
template <class T>
struct MatrixView {
  T* data;
  int64_t rows, columns, row_stride, column_stride;
  T& operator()(int64_t i, int64_t j) const { return data[i * row_stride + j * column_stride]; }
};
template <class T>
MatrixView<T> row_major(T* data, int64_t rows, int64_t columns) {
  return {data, rows, columns, columns, 1};
}

// The checksums of the weight operand, encoded from the original weights: a later
// corruption of the weights in memory then shows in the checks too.
struct Int8WeightChecksums {
  int64_t rows = 0, depth = 0;
  std::vector<int32_t> column_sums;  // e^T A, length depth
};
struct F32WeightChecksums {
  int64_t rows = 0, depth = 0;
  std::vector<double> column_sums;      // e^T A
  std::vector<double> abs_column_sums;  // e^T |A|, for the rounding bound
};

Int8WeightChecksums encode_int8_weights(MatrixView<const int8_t> a);
F32WeightChecksums encode_f32_weights(MatrixView<const float> a);

// The rows and columns of C whose sums disagree with the prediction.
struct CheckResult {
  std::vector<int64_t> rows, columns;
  bool clean() const { return rows.empty() && columns.empty(); }
};

// Checks the int32 accumulators of an int8 product (B of uint8 or int8 values, without
// zero-point corrections): columns by the encoded checksum; rows too when `rows` is set.
template <class B>
CheckResult check_int8(const Int8WeightChecksums& weights, MatrixView<const int8_t> a, MatrixView<const B> b,
                       MatrixView<const int32_t> c, bool rows);

// Checks an fp32 product. A column or row is checked only where its prediction is finite:
// a NaN or infinity the inputs carry propagates as the operator's definition says.
CheckResult check_f32(const F32WeightChecksums& weights, MatrixView<const float> a, MatrixView<const float> b,
                      MatrixView<const float> c, bool rows);

// Corrects a single corrupted element (one bad row and one bad column) in place by the
// column's difference, then checks again; true if C now passes. Anything else (several
// rows or columns) is left for the caller to recompute.
template <class B>
bool correct_int8(const Int8WeightChecksums& weights, MatrixView<const int8_t> a, MatrixView<const B> b,
                  MatrixView<int32_t> c, const CheckResult& found);
bool correct_f32(const F32WeightChecksums& weights, MatrixView<const float> a, MatrixView<const float> b,
                 MatrixView<float> c, const CheckResult& found);

}  // namespace vigil::abft

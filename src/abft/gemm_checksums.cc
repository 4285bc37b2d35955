// SPDX-License-Identifier: Apache-2.0
// Row and column checksums of one matrix product, exact for int8, bounded for fp32.
#include "abft/gemm_checksums.h"

#include <cmath>

namespace vigil::abft {

namespace {

// fp32 products round at most k times along each dot product (any order, with or without
// FMA): |computed - exact| <= k u |a| |b| to first order, u = 2^-24. The checks, in double,
// add far less. Twice the first-order bound, plus the second-order slack, is the threshold.
double rounding_tolerance(int64_t depth) { return 2.0 * static_cast<double>(depth + 2) * 0x1p-24; }

// Sums in wrap-around int32: unsigned arithmetic, whose overflow is defined.
uint32_t wrap(int64_t value) { return static_cast<uint32_t>(value); }

bool disagrees(double actual, double predicted, double bound, int64_t depth) {
  if (!std::isfinite(predicted) || !std::isfinite(bound)) return false;  // nothing to check against
  return !(std::fabs(actual - predicted) <= rounding_tolerance(depth) * bound);
}

// (e^T A) b_j and e^T c_j for one column j, int8.
template <class B>
std::pair<uint32_t, uint32_t> int8_column(const Int8WeightChecksums& weights, MatrixView<const B> b,
                                          MatrixView<const int32_t> c, int64_t j) {
  uint32_t predicted = 0, actual = 0;
  for (int64_t p = 0; p < weights.depth; ++p) predicted += wrap(int64_t{weights.column_sums[p]} * b(p, j));
  for (int64_t i = 0; i < c.rows; ++i) actual += wrap(c(i, j));
  return {predicted, actual};
}

// (e^T A) b_j for one column j, fp32 (in double).
double f32_column_prediction(const F32WeightChecksums& weights, MatrixView<const float> b, int64_t j) {
  double predicted = 0;
  for (int64_t p = 0; p < weights.depth; ++p) predicted += weights.column_sums[p] * b(p, j);
  return predicted;
}

}  // namespace

Int8WeightChecksums encode_int8_weights(MatrixView<const int8_t> a) {
  Int8WeightChecksums sums{a.rows, a.columns, std::vector<int32_t>(static_cast<size_t>(a.columns), 0)};
  for (int64_t i = 0; i < a.rows; ++i) {
    for (int64_t p = 0; p < a.columns; ++p) sums.column_sums[p] += a(i, p);  // |sum| <= 128 m: exact
  }
  return sums;
}

F32WeightChecksums encode_f32_weights(MatrixView<const float> a) {
  const auto depth = static_cast<size_t>(a.columns);
  F32WeightChecksums sums{a.rows, a.columns, std::vector<double>(depth, 0.0), std::vector<double>(depth, 0.0)};
  for (int64_t i = 0; i < a.rows; ++i) {
    for (int64_t p = 0; p < a.columns; ++p) {
      sums.column_sums[p] += a(i, p);
      sums.abs_column_sums[p] += std::fabs(a(i, p));
    }
  }
  return sums;
}

template <class B>
CheckResult check_int8(const Int8WeightChecksums& weights, MatrixView<const int8_t> a, MatrixView<const B> b,
                       MatrixView<const int32_t> c, bool rows) {
  CheckResult result;
  for (int64_t j = 0; j < c.columns; ++j) {
    const auto [predicted, actual] = int8_column(weights, b, c, j);
    if (actual != predicted) result.columns.push_back(j);
  }
  if (!rows) return result;
  std::vector<int64_t> b_row_sums(static_cast<size_t>(weights.depth), 0);
  for (int64_t p = 0; p < weights.depth; ++p) {
    for (int64_t j = 0; j < b.columns; ++j) b_row_sums[p] += b(p, j);
  }
  for (int64_t i = 0; i < c.rows; ++i) {
    uint32_t predicted = 0, actual = 0;
    for (int64_t p = 0; p < weights.depth; ++p) predicted += wrap(a(i, p)) * wrap(b_row_sums[p]);
    for (int64_t j = 0; j < c.columns; ++j) actual += wrap(c(i, j));
    if (actual != predicted) result.rows.push_back(i);
  }
  return result;
}

CheckResult check_f32(const F32WeightChecksums& weights, MatrixView<const float> a, MatrixView<const float> b,
                      MatrixView<const float> c, bool rows) {
  CheckResult result;
  for (int64_t j = 0; j < c.columns; ++j) {
    double bound = 0, actual = 0;
    for (int64_t p = 0; p < weights.depth; ++p) bound += weights.abs_column_sums[p] * std::fabs(b(p, j));
    for (int64_t i = 0; i < c.rows; ++i) actual += c(i, j);
    if (disagrees(actual, f32_column_prediction(weights, b, j), bound, weights.depth)) result.columns.push_back(j);
  }
  if (!rows) return result;
  const auto depth = static_cast<size_t>(weights.depth);
  std::vector<double> b_row_sums(depth, 0.0), b_abs_row_sums(depth, 0.0);
  for (int64_t p = 0; p < weights.depth; ++p) {
    for (int64_t j = 0; j < b.columns; ++j) {
      b_row_sums[p] += b(p, j);
      b_abs_row_sums[p] += std::fabs(b(p, j));
    }
  }
  for (int64_t i = 0; i < c.rows; ++i) {
    double predicted = 0, bound = 0, actual = 0;
    for (int64_t p = 0; p < weights.depth; ++p) {
      predicted += a(i, p) * b_row_sums[p];
      bound += std::fabs(a(i, p)) * b_abs_row_sums[p];
    }
    for (int64_t j = 0; j < c.columns; ++j) actual += c(i, j);
    if (disagrees(actual, predicted, bound, weights.depth)) result.rows.push_back(i);
  }
  return result;
}

template <class B>
bool correct_int8(const Int8WeightChecksums& weights, MatrixView<const int8_t> a, MatrixView<const B> b,
                  MatrixView<int32_t> c, const CheckResult& found) {
  if (found.rows.size() != 1 || found.columns.size() != 1) return false;
  const int64_t i = found.rows[0], j = found.columns[0];
  const MatrixView<const int32_t> view{c.data, c.rows, c.columns, c.row_stride, c.column_stride};
  const auto [predicted, actual] = int8_column(weights, b, view, j);
  c(i, j) = static_cast<int32_t>(wrap(c(i, j)) - (actual - predicted));
  return check_int8(weights, a, b, view, true).clean();
}

bool correct_f32(const F32WeightChecksums& weights, MatrixView<const float> a, MatrixView<const float> b,
                 MatrixView<float> c, const CheckResult& found) {
  if (found.rows.size() != 1 || found.columns.size() != 1) return false;
  const int64_t i = found.rows[0], j = found.columns[0];
  // The element is recomputed from the others of its column: right even where it was
  // NaN or infinite.
  double others = 0;
  for (int64_t r = 0; r < c.rows; ++r) {
    if (r != i) others += c(r, j);
  }
  c(i, j) = static_cast<float>(f32_column_prediction(weights, b, j) - others);
  return check_f32(weights, a, b, {c.data, c.rows, c.columns, c.row_stride, c.column_stride}, true).clean();
}

template CheckResult check_int8<uint8_t>(const Int8WeightChecksums&, MatrixView<const int8_t>,
                                         MatrixView<const uint8_t>, MatrixView<const int32_t>, bool);
template CheckResult check_int8<int8_t>(const Int8WeightChecksums&, MatrixView<const int8_t>, MatrixView<const int8_t>,
                                        MatrixView<const int32_t>, bool);
template bool correct_int8<uint8_t>(const Int8WeightChecksums&, MatrixView<const int8_t>, MatrixView<const uint8_t>,
                                    MatrixView<int32_t>, const CheckResult&);
template bool correct_int8<int8_t>(const Int8WeightChecksums&, MatrixView<const int8_t>, MatrixView<const int8_t>,
                                   MatrixView<int32_t>, const CheckResult&);

}  // namespace vigil::abft

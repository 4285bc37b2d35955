// SPDX-License-Identifier: Apache-2.0
// The bit-serial matrix product of ops/quantized/bit_serial_matmul.h: a's rows into planes,
// the product y (rows x N int32) over the threads by rows, then y^T requantized row by row
// (one row of y is already y^T).
#include "ops/quantized/bit_serial_matmul.h"

#include <algorithm>
#include <bit>

#include "core/error.h"
#include "kernels/qs8_requantize_rows.h"
#include "ops/quantized/bit_serial_policy.h"

namespace vigil {

std::unique_ptr<BitSerialMatMul> BitSerialMatMul::prepare(const int8_t* w, int64_t n, int64_t k,
                                                          std::vector<kernels::QS8RowEpilogue> rows,
                                                          const kernels::QS8TileEpilogue& output, uint8_t a_zero_point,
                                                          std::string& refusal, bool& cpu_refusal) {
  const kernels::BitEncoding encoding = kernels::narrowest_signed_encoding(w, n * k);
  refusal.clear();
  cpu_refusal = false;
  if (encoding.planes() > 2) return nullptr;  // not a low-bit layer: nothing to say
  refusal = bit_serial_refusal(encoding.planes(), k, 1, cpu_refusal);
  if (!refusal.empty()) return nullptr;
  std::unique_ptr<BitSerialMatMul> matmul(new BitSerialMatMul());
  matmul->n_ = n;
  matmul->k_ = k;
  matmul->encoding_ = encoding;
  std::vector<int32_t> values(w, w + n * k);
  matmul->weights_.resize(static_cast<size_t>((n + kernels::kBitSerialLanes - 1) / kernels::kBitSerialLanes *
                                              encoding.planes() * kernels::bit_words(k) * kernels::kBitSerialLanes));
  kernels::pack_bit_columns(values.data(), n, k, k, encoding, matmul->weights_.data());
  matmul->row_epilogues_ = std::move(rows);
  matmul->output_ = output;
  matmul->a_zero_point_ = a_zero_point;
  return matmul;
}

bool BitSerialMatMul::run(const uint8_t* a, int64_t rows, uint8_t* y_t, int threads) {
  uint8_t any = a_zero_point_;
  for (int64_t i = 0; i < rows * k_; ++i) any |= a[i];
  const int planes = std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(any))));
  const int allowed = std::min(kMaxBitSerialActivationPlanes, bit_serial_plane_pair_budget() / encoding_.planes());
  if (planes > allowed) {
    last_planes_ = 0;
    return false;
  }
  last_planes_ = planes;
  const int64_t words = kernels::bit_words(k_);
  planes_.resize(static_cast<size_t>(rows * planes * words));
  row_sums_.resize(static_cast<size_t>(rows));
  sums_.resize(static_cast<size_t>(rows * n_));
  kernels::pack_bit_rows_u8(a, rows, k_, k_, planes, planes_.data(), row_sums_.data());

  const kernels::BitEncoding activations{planes, false, false};
  std::vector<int32_t> pair_coefficients;
  for (int j = 0; j < activations.planes(); ++j) {
    for (int i = 0; i < encoding_.planes(); ++i) {
      pair_coefficients.push_back(activations.coefficient(j) * encoding_.coefficient(i));
    }
  }
  kernels::BitSerialGemm product;
  product.rows = rows;
  product.cols = n_;
  product.words = words;
  product.x_planes = planes;
  product.w_planes = encoding_.planes();
  product.x = planes_.data();
  product.w = weights_.data();
  product.pair_coefficients = pair_coefficients.data();
  if (encoding_.offset() != 0) {  // bipolar weights: offset x each row's sum
    row_term_.resize(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) row_term_[r] = encoding_.offset() * row_sums_[r];
    product.row_term = row_term_.data();
  }
  product.y = sums_.data();
  product.ldy = n_;
  kernels::bitserial_gemm(product, threads);

  const kernels::QS8RequantizeRowsKernel& requantize = kernels::qs8_requantize_rows_kernels().active();
  kernels::QS8TileEpilogue e = output_;
  e.rows = row_epilogues_.data();
  if (rows == 1) {  // y is y^T: N rows of one sum each
    requantize.run(e, sums_.data(), 1, n_, 1, y_t, 1);
    return true;
  }
  sums_t_.resize(static_cast<size_t>(n_ * rows));
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < n_; ++c)
      sums_t_[static_cast<size_t>(c * rows + r)] = sums_[static_cast<size_t>(r * n_ + c)];
  }
  requantize.run(e, sums_t_.data(), rows, n_, rows, y_t, rows);
  return true;
}

std::string BitSerialMatMul::algorithm() const {
  if (last_planes_ == 0) return {};
  return str_cat("bitserial w", encoding_.planes(), "a", last_planes_, " ",
                 kernels::bitserial_gemm_kernels().active().name);
}

}  // namespace vigil

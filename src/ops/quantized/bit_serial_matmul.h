// SPDX-License-Identifier: Apache-2.0
// The bit-serial path of vigil.QGemm (ops/quantized/vigil_qgemm.cc), for low-bit fully
// connected layers and MatMuls: int8 weights (N x K) of one or two bit planes (bipolar or
// ternary) times unsigned 8-bit activations that, in a given run, fit few planes. It
// computes the int8 GEMM's int32 sums on kernels/bitserial_gemm.h, the activation rows
// broadcast and the weights packed once as its blocked columns, then the int8 epilogue
// (kernels/qs8_requantize_rows.h): the output bytes are the int8 path's, bit for bit. An
// input with wider values, or a session with ABFT checks or tile hooks, runs the int8
// path. Which layers take the path: ops/quantized/bit_serial_policy.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/bitserial_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil {

class BitSerialMatMul {
 public:
  // For weights (N x K, row-major) the path suits, else nullptr with `refusal` saying why
  // when they are low-bit ("" otherwise) and `cpu_refusal` whether the reason is the CPU's.
  // `rows` holds each output column's epilogue (ops/quantized/bit_serial_policy.h).
  static std::unique_ptr<BitSerialMatMul> prepare(const int8_t* w, int64_t n, int64_t k,
                                                  std::vector<kernels::QS8RowEpilogue> rows,
                                                  const kernels::QS8TileEpilogue& output, uint8_t a_zero_point,
                                                  std::string& refusal, bool& cpu_refusal);

  // y^T (N x rows bytes, row n at y_t + n * rows) from a (rows x K bytes). False, with
  // nothing written, when a's values need more planes than the budget allows.
  bool run(const uint8_t* a, int64_t rows, uint8_t* y_t, int threads);

  // "bitserial w<bits>a<bits> <kernel>" after a run on this path, else empty.
  std::string algorithm() const;

 private:
  BitSerialMatMul() = default;

  int64_t n_ = 0, k_ = 0;
  kernels::BitEncoding encoding_;
  std::vector<uint64_t> weights_;  // blocked columns: ceil(N / 8) x planes x words x 8
  std::vector<kernels::QS8RowEpilogue> row_epilogues_;
  kernels::QS8TileEpilogue output_;
  uint8_t a_zero_point_ = 0;
  // Per run, grown to the largest rows seen.
  std::vector<uint64_t> planes_;
  std::vector<int32_t> row_sums_, row_term_, sums_, sums_t_;
  int last_planes_ = 0;  // the activation planes of the last run, 0 after an int8 run
};

}  // namespace vigil

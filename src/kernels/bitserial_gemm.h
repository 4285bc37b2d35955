// SPDX-License-Identifier: Apache-2.0
// The bit-serial GEMM: integer products of operands of 1 to 8 bits, computed on their bit
// planes with AND and popcount (APNN-TC's decomposition; research/lowbit.md):
//   y[n][m] = row_term[n] + column_term[m] + sum over k of x[n][k] w[m][k]
// where each operand is a sum of planes, value = offset + sum_j coefficient_j bit_j:
//   unsigned b bits:  planes 2^0 .. 2^(b-1)
//   signed b bits:    the same, the top plane -2^(b-1) (two's complement)
//   bipolar (+-1):    one plane (1 for +1) of coefficient 2, offset -1 (QONNX BipolarQuant)
// so that sum_k x w = sum_(j,i) cx_j cw_i popcount(X_j & W_i) + the offsets' terms,
// which depend on the row alone, the column alone, or neither (bit_serial_terms()).
// The planes are packed 64 values to a word along k; the rows of x (activations, a
// MatMul's rows or a convolution's pixels) are broadcast, the columns of w (weights,
// packed once) lie in the lanes, 8 columns to a block, so that y's rows are stored whole:
//   x: [rows][x planes][words]          w: [ceil(cols / 8)][w planes][words][8]
// Bits beyond k are zero in both. The results are exact integers, equal to the int8
// GEMM's sums of the same values; the scalar kernel (kernels/ref) is the reference, the
// AVX2 one counts bits by nibble look-ups, the AVX-512 one with vpopcntq.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

// How the integers of one operand are written in planes.
struct BitEncoding {
  int bits = 8;  // 1 .. 8
  bool is_signed = false;
  bool bipolar = false;  // 1 bit, values -1 and +1 (the bit is set for +1)

  int planes() const { return bits; }
  int32_t coefficient(int plane) const;  // the value of plane `plane`'s bit
  int32_t offset() const { return bipolar ? -1 : 0; }
  int32_t min() const;  // the values the encoding holds
  int32_t max() const;
};

// The encoding with the fewest planes that holds each of `count` int8 values: bipolar when
// every one is -1 or +1, else the narrowest two's complement width (ternary -1, 0, +1:
// signed 2 bits).
BitEncoding narrowest_signed_encoding(const int8_t* values, int64_t count);

inline int64_t bit_words(int64_t k) { return (k + 63) / 64; }
inline constexpr int kBitSerialLanes = 8;  // weight columns per block

// Packs `rows` rows of k integer values (row r at values + r * ld) into planes: out must
// hold rows x planes x bit_words(k) words. Values outside the encoding's range are a
// programming error (the caller quantized them).
void pack_bit_rows(const int32_t* values, int64_t rows, int64_t k, int64_t ld, BitEncoding encoding, uint64_t* out);
// Packs the columns (cols x k, column c at values + c * ld) as w's blocked layout: out must
// hold ceil(cols / 8) x planes x bit_words(k) x 8 words; missing columns are zero.
void pack_bit_columns(const int32_t* values, int64_t cols, int64_t k, int64_t ld, BitEncoding encoding, uint64_t* out);

// Bit p of each of `count` (<= 64) unsigned bytes into bit j of masks[p], for `planes`
// planes (a multiply gathers 8 bytes' bits at a time): the planes of byte data.
void bit_plane_masks(const uint8_t* bytes, int64_t count, int planes, uint64_t* masks);

// pack_bit_rows for unsigned bytes (each below 2^planes): `rows` rows of k bytes, row r at
// values + r * ld, and each row's sum of values in row_sums.
void pack_bit_rows_u8(const uint8_t* values, int64_t rows, int64_t k, int64_t ld, int planes, uint64_t* out,
                      int32_t* row_sums);

// Each packed row's plane counts, weighted: sum_j coefficient_j popcount(plane j) = the
// sum of its values less offset x k. One value per row (or column, from the blocked layout).
std::vector<int32_t> bit_row_sums(const uint64_t* x, int64_t rows, int64_t k, BitEncoding encoding);
std::vector<int32_t> bit_column_sums(const uint64_t* w, int64_t cols, int64_t k, BitEncoding encoding);

// One product, as the kernels read it.
struct BitSerialGemm {
  int64_t rows = 0, cols = 0, words = 0;
  int x_planes = 1, w_planes = 1;
  const uint64_t* x = nullptr;
  const uint64_t* w = nullptr;
  const int32_t* pair_coefficients = nullptr;  // [x_planes][w_planes]: cx_j x cw_i
  const int32_t* row_term = nullptr;           // [rows], or nullptr for zeros
  const int32_t* column_term = nullptr;        // [cols], or nullptr for zeros
  int32_t* y = nullptr;
  int64_t ldy = 0;
};

struct BitSerialGemmKernel {
  const char* name;
  CpuFeatures needs;
  // Rows [row_begin, row_end) of y, every column.
  void (*run)(const BitSerialGemm& product, int64_t row_begin, int64_t row_end);
};
// bitserial_gemm__scalar, bitserial_gemm__avx2, bitserial_gemm__avx512vpopcntdq.
const KernelRegistry<BitSerialGemmKernel>& bitserial_gemm_kernels();

// The terms of the offsets, so that y = sum x w exactly: with ox, ow the offsets, sx the
// row sums and sw the column sums above,
//   row_term[n] = ow sx[n] + ox ow k,  column_term[m] = ox sw[m].
struct BitSerialTerms {
  std::vector<int32_t> pair_coefficients, row_term, column_term;
};
BitSerialTerms bit_serial_terms(const uint64_t* x, int64_t rows, BitEncoding x_encoding, const uint64_t* w,
                                int64_t cols, BitEncoding w_encoding, int64_t k);

// Both operands packed from integer values (x: rows x k, w: cols x k, rows of k values),
// with their terms: a product ready for any output.
struct BitSerialOperands {
  BitSerialOperands(const int32_t* x, int64_t rows, BitEncoding x_encoding, const int32_t* w, int64_t cols,
                    BitEncoding w_encoding, int64_t k);
  BitSerialGemm product(int32_t* y, int64_t ldy) const;

  int64_t rows, cols, k;
  BitEncoding x_encoding, w_encoding;
  std::vector<uint64_t> x_planes, w_planes;
  BitSerialTerms terms;
};

// y = x w^T over `threads` threads with the kernel `kernel` (the active one by default).
void bitserial_gemm(const BitSerialGemm& product, int threads, const BitSerialGemmKernel* kernel = nullptr);

}  // namespace vigil::kernels

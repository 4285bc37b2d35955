// SPDX-License-Identifier: Apache-2.0
// kernels/bitserial_gemm.h on every kernel this CPU runs against the definition
// y[n][m] = sum_k x[n][k] w[m][k] in 64-bit integers: unsigned, signed and bipolar
// operands of 1 to 8 bits, depths around the 64-bit words and the AVX2 kernel's 31-word
// byte sums, row counts around the tiles' 4 and 6 and column counts around the blocks of
// 8; the threaded driver equals one thread, splitting rows or, for few rows, columns;
// values at the encodings' extremes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/bitserial_gemm.h"

namespace vigil::kernels {
namespace {

std::string describe(BitEncoding e) {
  if (e.bipolar) return "bipolar";
  std::string name = e.is_signed ? "s" : "u";
  name += std::to_string(e.bits);
  return name;
}

std::vector<int32_t> random_values(int64_t count, BitEncoding e, std::mt19937& generator, bool extremes) {
  std::uniform_int_distribution<int32_t> value(e.min(), e.max());
  std::vector<int32_t> values(static_cast<size_t>(count));
  for (size_t i = 0; i < values.size(); ++i) {
    int32_t v = extremes ? (i % 2 ? e.max() : e.min()) : value(generator);
    if (e.bipolar && v == 0) v = 1;
    values[i] = v;
  }
  return values;
}

// The product through packing, the offsets' terms and one kernel, against the definition.
void check(const BitSerialGemmKernel& kernel, int64_t rows, int64_t cols, int64_t k, BitEncoding xe, BitEncoding we,
           std::mt19937& generator, bool extremes = false, int threads = 1) {
  const std::vector<int32_t> x = random_values(rows * k, xe, generator, extremes);
  const std::vector<int32_t> w = random_values(cols * k, we, generator, extremes);
  const BitSerialOperands operands(x.data(), rows, xe, w.data(), cols, we, k);
  const int64_t ldy = cols + 3;
  std::vector<int32_t> y(static_cast<size_t>(rows * ldy), -7);
  bitserial_gemm(operands.product(y.data(), ldy), threads, &kernel);
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < ldy; ++c) {
      int64_t want = -7;  // the padding columns stay untouched
      if (c < cols) {
        want = 0;
        for (int64_t i = 0; i < k; ++i) want += int64_t{x[r * k + i]} * w[c * k + i];
      }
      ASSERT_EQ(y[r * ldy + c], want) << kernel.name << " x " << describe(xe) << " w " << describe(we) << " rows "
                                      << rows << " cols " << cols << " k " << k << " at " << r << "," << c;
    }
  }
}

std::vector<const BitSerialGemmKernel*> kernels_here() {
  std::vector<const BitSerialGemmKernel*> here;
  for (const BitSerialGemmKernel* kernel : bitserial_gemm_kernels().kernels()) {
    if (KernelRegistry<BitSerialGemmKernel>::runs_here(*kernel)) here.push_back(kernel);
  }
  return here;
}

const BitEncoding kEncodings[] = {
    {1, false, false}, {1, false, true}, {2, false, false}, {2, true, false}, {3, true, false},
    {4, false, false}, {4, true, false}, {8, false, false}, {8, true, false},
};

TEST(BitSerialGemm, EveryEncodingPairOnEveryKernel) {
  std::mt19937 generator(3);
  for (const BitSerialGemmKernel* kernel : kernels_here()) {
    for (const BitEncoding& xe : kEncodings) {
      for (const BitEncoding& we : kEncodings) check(*kernel, 7, 19, 100, xe, we, generator);
    }
  }
}

TEST(BitSerialGemm, EdgesOfWordsTilesAndBlocks) {
  std::mt19937 generator(5);
  const BitEncoding u2{2, false, false}, s2{2, true, false}, bipolar{1, false, true};
  for (const BitSerialGemmKernel* kernel : kernels_here()) {
    for (const int64_t k : {1, 63, 64, 65, 31 * 64, 31 * 64 + 1, 2500}) check(*kernel, 5, 9, k, u2, s2, generator);
    for (int64_t rows = 1; rows <= 13; ++rows) check(*kernel, rows, 8, 130, bipolar, bipolar, generator);
    for (int64_t cols = 1; cols <= 41; cols += 4) check(*kernel, 6, cols, 70, u2, bipolar, generator);
  }
}

TEST(BitSerialGemm, ExtremeValuesAndThreads) {
  std::mt19937 generator(9);
  for (const BitSerialGemmKernel* kernel : kernels_here()) {
    for (const BitEncoding& e : kEncodings) check(*kernel, 6, 16, 4096, e, e, generator, true);
    check(*kernel, 301, 67, 577, {3, false, false}, {2, true, false}, generator, false, 2);
    // One or three rows: the threads split the columns instead, bipolar terms included.
    // (work past the driver's threshold for forking).
    check(*kernel, 1, 523, 4096, {2, false, false}, {1, false, true}, generator, false, 2);
    check(*kernel, 3, 301, 4033, {1, false, true}, {2, true, false}, generator, false, 2);
  }
}

}  // namespace
}  // namespace vigil::kernels

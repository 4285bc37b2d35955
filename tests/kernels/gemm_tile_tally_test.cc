// SPDX-License-Identifier: Apache-2.0
// The tally of the fused checks, inside every f32 and int8 micro-kernel this CPU runs
// (F32TileEpilogue::tally, QS8TileEpilogue::tally): on the last block of depth, each live
// column's (or row's) sum over the whole depth (the block's products plus what C already
// holds), before scale and bias, is added to its line; lines of dead columns and rows and
// blocks before the last add nothing; the output is the plain kernel's, bit for bit. int8:
// the tile's raw sums, exact modulo 2^32.
#include <gtest/gtest.h>

#include <climits>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/f32_gemm_microkernel.h"
#include "kernels/qs8_gemm.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "random_data.h"

namespace vigil::kernels {
namespace {

class F32TallyOnKernel : public ::testing::TestWithParam<const F32MicroKernel*> {
 protected:
  void SetUp() override {
    if (!KernelRegistry<F32MicroKernel>::runs_here(*GetParam())) GTEST_SKIP() << "this CPU lacks " << GetParam()->name;
  }
};

TEST_P(F32TallyOnKernel, AddsEachLinesSumOverTheWholeDepth) {
  const F32MicroKernel& kernel = *GetParam();
  const int mr = kernel.mr, nr = kernel.nr;
  const int64_t kc = 37, ldc = nr + 3;
  const std::vector<float> a = testing::random_values(kc * mr, 1), b = testing::random_values(kc * nr, 2);
  const std::vector<float> before = testing::random_values(mr * ldc, 3), bias = testing::random_values(mr, 4);
  for (const int rows : {mr, mr - 1, 1}) {
    for (const int cols : {nr, nr - 1, 9, 1}) {
      for (const bool accumulate : {false, true}) {
        for (const bool by_rows : {false, true}) {
          for (const bool last : {true, false}) {
            F32TileEpilogue e;
            e.accumulate = accumulate;
            e.last = last;
            e.scale = 2.0f;
            e.bias = bias.data();
            std::vector<double> lines(40, 2.0);
            e.tally = lines.data();
            e.tally_rows = by_rows;
            std::vector<float> plain = before, tallied = before;
            kernel.run(kc, a.data(), b.data(), nr, plain.data(), ldc, rows, cols, e);
            kernel.run_hooked(kc, a.data(), b.data(), nr, tallied.data(), ldc, rows, cols, e);
            const std::string where = std::string(kernel.name) + " rows " + std::to_string(rows) + " cols " +
                                      std::to_string(cols) + (accumulate ? " accumulating" : "") +
                                      (by_rows ? " by rows" : " by columns") + (last ? "" : " not last");
            ASSERT_EQ(std::memcmp(plain.data(), tallied.data(), plain.size() * sizeof(float)), 0) << where;
            std::vector<double> expected(40, 2.0);
            for (int r = 0; last && r < rows; ++r) {
              for (int j = 0; j < cols; ++j) {
                double sum = accumulate ? before[r * ldc + j] : 0.0;
                for (int64_t p = 0; p < kc; ++p) sum += double{a[p * mr + r]} * b[p * nr + j];
                expected[by_rows ? r : j] += sum;
              }
            }
            for (int l = 0; l < 40; ++l) ASSERT_NEAR(lines[l], expected[l], 1e-4) << where << " line " << l;
          }
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, F32TallyOnKernel, ::testing::ValuesIn(f32_gemm_kernels().kernels()),
                         [](const ::testing::TestParamInfo<const F32MicroKernel*>& info) {
                           return std::string(info.param->name);
                         });

#define VIGIL_QS8_GEMM_KERNEL(name) &name,
const QS8MicroKernel* const kQs8Kernels[] = {
#include "kernels/qs8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

class S32TallyOnKernel : public ::testing::TestWithParam<const QS8MicroKernel*> {
 protected:
  void SetUp() override {
    if (!KernelRegistry<QS8MicroKernel>::runs_here(*GetParam())) GTEST_SKIP() << "this CPU lacks " << GetParam()->name;
  }
};

TEST_P(S32TallyOnKernel, AddsEachColumnsRawSumsModulo2To32) {
  const QS8MicroKernel& kernel = *GetParam();
  const int mr = kernel.mr, nr = kernel.nr;
  const int64_t k = 67, groups = (k + 3) / 4;
  std::mt19937 engine(9);
  std::uniform_int_distribution<int> bytes(0, 255);
  std::vector<int8_t> a(mr * k);
  for (int8_t& v : a) v = static_cast<int8_t>(bytes(engine) - 128);
  const QS8PackedWeights packed(mr, k, a.data(), k, &kernel);
  // B's panel: groups of nr columns x 4 bytes, zero beyond k.
  std::vector<uint8_t> b(k * nr), panel(groups * nr * 4, 0);
  for (uint8_t& v : b) v = static_cast<uint8_t>(bytes(engine));
  for (int64_t p = 0; p < k; ++p) {
    for (int j = 0; j < nr; ++j) panel[((p / 4) * nr + j) * 4 + p % 4] = b[p * nr + j];
  }
  const std::vector<QS8RowEpilogue> row_epilogues(mr, qs8_row_epilogue(12345, FixedPointMultiplier{}));
  for (const int rows : {mr, mr - 1, 1}) {
    for (const int cols : {nr, nr - 1, 1}) {
      QS8TileEpilogue e;
      e.rows = row_epilogues.data();
      e.output = QS8GemmOutput::I32;
      e.c_min = INT32_MIN;
      e.c_max = INT32_MAX;
      std::vector<uint32_t> lines(40, 7u);
      e.tally = lines.data();
      std::vector<int32_t> plain(mr * nr, 0), tallied(mr * nr, 0);
      kernel.run(groups, packed.panel(0), panel.data(), plain.data(), nr, rows, cols, e);
      kernel.run_hooked(groups, packed.panel(0), panel.data(), tallied.data(), nr, rows, cols, e);
      const std::string where =
          std::string(kernel.name) + " rows " + std::to_string(rows) + " cols " + std::to_string(cols);
      ASSERT_EQ(plain, tallied) << where;
      std::vector<uint32_t> expected(40, 7u);
      for (int r = 0; r < rows; ++r) {
        for (int j = 0; j < cols; ++j) {
          int64_t sum = 0;  // the raw sum, before the row's offset of 12345
          for (int64_t p = 0; p < k; ++p) sum += int64_t{a[r * k + p]} * b[p * nr + j];
          expected[j] += static_cast<uint32_t>(sum);
        }
      }
      ASSERT_EQ(lines, expected) << where;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, S32TallyOnKernel, ::testing::ValuesIn(kQs8Kernels),
                         [](const ::testing::TestParamInfo<const QS8MicroKernel*>& info) {
                           return std::string(info.param->name);
                         });

}  // namespace
}  // namespace vigil::kernels

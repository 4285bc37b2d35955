// SPDX-License-Identifier: Apache-2.0
// kernels/qs8_requantize_rows.h on every kernel this CPU runs against the scalar
// definition (qs8_tile_epilogue_value): u8 and s8 outputs, multipliers below and above 1
// (the wide path), sums that round to a tie, offsets, clamps, and row lengths around the
// vectors' 8 and 16 with the bytes past them untouched.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/qs8_requantize_rows.h"

namespace vigil::kernels {
namespace {

TEST(QS8RequantizeRows, EveryKernelEqualsTheDefinition) {
  std::mt19937 generator(11);
  std::uniform_int_distribution<int32_t> sum(-40000, 40000), offset(-3000, 3000);
  const double reals[] = {0.0007, 0.013, 0.25, 1.0, 3.5};
  for (const QS8RequantizeRowsKernel* kernel : qs8_requantize_rows_kernels().kernels()) {
    if (!KernelRegistry<QS8RequantizeRowsKernel>::runs_here(*kernel)) continue;
    for (const QS8GemmOutput output : {QS8GemmOutput::U8, QS8GemmOutput::S8}) {
      for (const int64_t cols : {1, 7, 8, 9, 16, 17, 40}) {
        const int64_t rows = 5, ld = cols + 2, ldo = cols + 3;
        std::vector<QS8RowEpilogue> epilogues;
        for (int64_t r = 0; r < rows; ++r) {
          epilogues.push_back(qs8_row_epilogue(offset(generator), fixed_point_multiplier(reals[r])));
        }
        std::vector<int32_t> sums(static_cast<size_t>(rows * ld));
        for (size_t i = 0; i < sums.size(); ++i) {
          // Every third sum lands on a tie of 0.25 (a multiple of 2 plus 2 after the offset).
          sums[i] = i % 3 == 0 ? 4 * sum(generator) + 2 - epilogues[i / ld].offset : sum(generator);
        }
        QS8TileEpilogue e;
        e.rows = epilogues.data();
        e.output = output;
        e.c_zero_point = output == QS8GemmOutput::U8 ? 100 : -5;
        e.c_min = output == QS8GemmOutput::U8 ? 3 : -120;
        e.c_max = output == QS8GemmOutput::U8 ? 250 : 110;
        std::vector<uint8_t> got(static_cast<size_t>(rows * ldo), 0xEE);
        kernel->run(e, sums.data(), ld, rows, cols, got.data(), ldo);
        for (int64_t r = 0; r < rows; ++r) {
          for (int64_t j = 0; j < ldo; ++j) {
            const uint8_t want = j < cols ? static_cast<uint8_t>(qs8_tile_epilogue_value(
                                                e, sums[static_cast<size_t>(r * ld + j)], static_cast<int>(r)))
                                          : uint8_t{0xEE};
            ASSERT_EQ(got[static_cast<size_t>(r * ldo + j)], want)
                << kernel->name << " cols " << cols << " row " << r << " column " << j;
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace vigil::kernels

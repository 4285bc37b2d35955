// SPDX-License-Identifier: Apache-2.0
// The scalar int8 GEMM micro-kernel: the portable path and the specification the vector
// micro-kernels are tested against. It reads the same c4 panels (int8 A, unsigned B) and
// applies qs8_tile_epilogue_value to every element.
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 4, kColumns = 16;

template <bool kHooked>
void run(int64_t groups, const void* a_panel, const uint8_t* b, void* c, int64_t ldc, int rows, int cols,
         const QS8TileEpilogue& epilogue) {
  const int8_t* a = static_cast<const int8_t*>(a_panel);
  int32_t acc[kRows][kColumns] = {};
  for (int64_t g = 0; g < groups; ++g) {
    for (int r = 0; r < kRows; ++r) {
      for (int j = 0; j < kColumns; ++j) {
        for (int q = 0; q < 4; ++q) acc[r][j] += a[r * 4 + q] * b[j * 4 + q];
      }
    }
    a += kRows * 4;
    b += kColumns * 4;
  }
  if constexpr (kHooked) {
    call_tile_hook<kColumns>(epilogue, &acc[0][0], rows, cols, c);
    tally_tile_columns<kColumns>(epilogue, &acc[0][0], rows, cols);
  }
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < cols; ++j) {
      const int32_t value = qs8_tile_epilogue_value(epilogue, acc[r][j], r);
      switch (epilogue.output) {
        case QS8GemmOutput::U8: static_cast<uint8_t*>(c)[r * ldc + j] = static_cast<uint8_t>(value); break;
        case QS8GemmOutput::S8: static_cast<int8_t*>(c)[r * ldc + j] = static_cast<int8_t>(value); break;
        case QS8GemmOutput::I32: static_cast<int32_t*>(c)[r * ldc + j] = value; break;
      }
    }
  }
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_4x16c4__scalar{
    "qs8_gemm_requant_4x16c4__scalar", CpuFeatures{}, kRows, kColumns, 1, run<false>, run<true>};

}  // namespace vigil::kernels

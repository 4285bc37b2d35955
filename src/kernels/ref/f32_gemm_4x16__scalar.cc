// SPDX-License-Identifier: Apache-2.0
// The scalar f32 GEMM micro-kernel: the portable path and the specification the vector
// micro-kernels are tested against. Plain C++; the compiler may vectorise the inner loops
// with the baseline instruction set, never more.
#include "kernels/f32_gemm_microkernel.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 4, kColumns = 16;

template <bool kHooked>
void run(int64_t kc, const float* a, const float* b, int64_t b_stride, float* c, int64_t ldc, int rows, int cols,
         const F32TileEpilogue& epilogue) {
  float acc[kRows][kColumns] = {};
  for (int64_t p = 0; p < kc; ++p) {
    for (int r = 0; r < kRows; ++r) {
      const float factor = a[p * kRows + r];
      for (int j = 0; j < kColumns; ++j) acc[r][j] += factor * b[p * b_stride + j];
    }
  }
  if constexpr (kHooked) call_tile_hook<kColumns>(epilogue, &acc[0][0], rows, cols, c);
  // The fused check's tally: the sums as the epilogue takes them, per line in float.
  const bool tallies = kHooked && epilogue.tally && epilogue.last;
  float totals[kColumns > kRows ? kColumns : kRows] = {};
  for (int r = 0; r < rows; ++r) {
    float* out = c + r * ldc;
    for (int j = 0; j < cols; ++j) {
      const float sum = epilogue.accumulate ? acc[r][j] + out[j] : acc[r][j];
      if (tallies) totals[epilogue.tally_rows ? r : j] += sum;
      out[j] = epilogue.last ? f32_tile_epilogue_value(epilogue, sum, r, j) : sum;
    }
  }
  if (tallies) {
    for (int l = 0; l < (epilogue.tally_rows ? rows : cols); ++l) epilogue.tally[l] += totals[l];
  }
}

}  // namespace

const F32MicroKernel f32_gemm_4x16__scalar{
    "f32_gemm_4x16__scalar", CpuFeatures{}, kRows, kColumns, run<false>, run<true>};

}  // namespace vigil::kernels

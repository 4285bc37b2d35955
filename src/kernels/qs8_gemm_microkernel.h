// SPDX-License-Identifier: Apache-2.0
// The contract between the int8 GEMM driver (qs8_gemm.cc: blocking, B packing, threads) and
// its micro-kernels, one per path (kernels/ref, kernels/x86/avx2, kernels/x86/avxvnni,
// kernels/x86/avx512vnni). A micro-kernel computes one MR x NR tile of C over the whole
// depth (there is no blocking of k: an int8 output cannot hold a partial sum, and a panel
// of K4 x NR x 4 bytes is small enough to stream from L2), then applies the epilogue from
// its registers.
#pragma once

#include <cstdint>

#include "kernels/qs8_gemm.h"
#include "kernels/requantize.h"

namespace vigil::kernels {

// One row's epilogue, prepared by the driver once per product rather than in every tile:
// the folded offset, and the multiplier with what its rounding needs.
struct QS8RowEpilogue {
  int32_t offset = 0;  // bias - b_zero_point x rowsum(A), added to every sum modulo 2^32
  int32_t total = 31;  // the right shift, 31 + shift
  int64_t mantissa = 0;
  int64_t half = 0;   // 2^(total - 1)
  RoundingTies ties;  // the sums whose product is a tie (kernels/requantize.h)
  bool wide = false;  // a multiplier of 1 or more: a shifted product may pass 32 bits
};

inline QS8RowEpilogue qs8_row_epilogue(int32_t offset, FixedPointMultiplier m) {
  QS8RowEpilogue row;
  row.offset = offset;
  row.total = 31 + m.shift;
  row.mantissa = m.mantissa;
  row.half = int64_t{1} << (row.total - 1);
  row.ties = rounding_ties(m);
  row.wide = m.shift < 0;
  return row;
}

// The epilogue as a micro-kernel sees it: the tile's rows, and the output's bounds.
struct QS8TileEpilogue {
  const QS8RowEpilogue* rows = nullptr;  // the tile's first row's, one per row
  int32_t c_zero_point = 0, c_min = 0, c_max = 0;
  QS8GemmOutput output = QS8GemmOutput::U8;
  const S32TileHook* tile_hook = nullptr;  // read by the hooked variant only
  // The fused check's sums of the tile's columns (kernels/qs8_gemm_check.h), read by the
  // hooked variant only: each column's sum of the tile's raw sums (after the hook, before
  // the row offset) is added to tally[column], modulo 2^32.
  uint32_t* tally = nullptr;
};

// groups = ceil(k / 4). The panels are full (A zero-padded below its last row and beyond
// k); rows <= MR and cols <= NR for edge tiles. c points at the tile's (0, 0), ldc in
// elements of the output type.
using QS8MicroKernelFunction = void (*)(int64_t groups, const void* a_panel, const uint8_t* b_panel, void* c,
                                        int64_t ldc, int rows, int cols, const QS8TileEpilogue& epilogue);

struct QS8MicroKernel {
  const char* name;
  CpuFeatures needs;
  int mr, nr;
  int a_bytes;  // bytes per packed A element: 1 (int8) or 2 (int16, the AVX2 path)
  // Two variants from one template: `run`, and `run_hooked`, which hands each tile's sums
  // to the epilogue's tile hook and tally before the epilogue.
  QS8MicroKernelFunction run;
  QS8MicroKernelFunction run_hooked;
};

// Each micro-kernel, defined in the translation unit of its instruction set.
#define VIGIL_QS8_GEMM_KERNEL(name) extern const QS8MicroKernel name;
#include "kernels/qs8_gemm_kernels.inc"
#undef VIGIL_QS8_GEMM_KERNEL

// The hooked variants' call, before the epilogue: the tile's sums (row stride kLd) to the
// hook.
template <int kLd>
inline void call_tile_hook(const QS8TileEpilogue& e, int32_t* sums, int rows, int cols, const void* c) {
  if (e.tile_hook) e.tile_hook->on_tile(e.tile_hook->context, S32Tile{sums, kLd, rows, cols, c, true, true});
}

// The fused check's tally after the hook: each column's sum of the tile's raw sums into
// e.tally, modulo 2^32. Inline, so that each kernel's translation unit vectorises it with
// its own instruction set while the tile is in L1 (the AVX-512 kernel adds its tile in
// registers instead).
template <int kLd>
inline void tally_tile_columns(const QS8TileEpilogue& e, const int32_t* sums, int rows, int cols) {
  if (!e.tally) return;
  uint32_t totals[kLd] = {};
  for (int r = 0; r < rows; ++r) {
    for (int j = 0; j < kLd; ++j) totals[j] += static_cast<uint32_t>(sums[r * kLd + j]);
  }
  for (int j = 0; j < cols; ++j) e.tally[j] += totals[j];
}

// The epilogue of one output element (row r of the tile): the scalar kernel uses it and
// the vector kernels are bit-exact with it. The offset and the sum may pass 2^31 where
// their total does not: they are added modulo 2^32, as the vector lanes do.
inline int32_t qs8_tile_epilogue_value(const QS8TileEpilogue& e, int32_t sum, int r) {
  const QS8RowEpilogue& row = e.rows[r];
  const int32_t s = static_cast<int32_t>(static_cast<uint32_t>(sum) + static_cast<uint32_t>(row.offset));
  if (e.output == QS8GemmOutput::I32) return s;
  const int64_t value = round_shift_half_even(int64_t{s} * row.mantissa, row.total) + e.c_zero_point;
  return static_cast<int32_t>(value < e.c_min ? e.c_min : (value > e.c_max ? e.c_max : value));
}

}  // namespace vigil::kernels

// The contract between the int8 GEMM driver (s8_gemm.cc: blocking, B packing, threads) and
// its micro-kernels, one per path (kernels/ref, kernels/x86/avx2, kernels/x86/avx512vnni).
// A micro-kernel computes one MR x NR tile of C over the whole depth (there is no blocking
// of k: an int8 output cannot hold a partial sum, and a panel of K4 x NR x 4 bytes is
// small enough to stream from L2), then applies the epilogue from its registers.
#pragma once

#include <cstdint>

#include "kernels/requantize.h"
#include "kernels/s8_gemm.h"

namespace vigil::kernels {

// The epilogue as a micro-kernel sees it, with pointers moved to the tile's first row.
struct QS8TileEpilogue {
  const int32_t* bias = nullptr;      // per row, or none
  const int32_t* row_sums = nullptr;  // per row: sum over k of A
  int32_t b_zero_point = 0;           // in the packed (unsigned) domain
  const FixedPointMultiplier* multiplier = nullptr;
  bool per_row_multiplier = false;
  int32_t c_zero_point = 0, c_min = 0, c_max = 0;
  QGemmOutput output = QGemmOutput::U8;
};

// groups = ceil(k / 4). The panels are full (A zero-padded below its last row and beyond
// k); rows <= MR and cols <= NR for edge tiles. c points at the tile's (0, 0), ldc in
// elements of the output type.
using QS8MicroKernelFunction = void (*)(int64_t groups, const void* a_panel, const uint8_t* b_panel, void* c,
                                        int64_t ldc, int rows, int cols, const QS8TileEpilogue& epilogue);

struct QS8MicroKernel {
  const char* name;
  QGemmPath path;
  int mr, nr;
  int a_bytes;  // bytes per packed A element: 1 (int8) or 2 (int16, the AVX2 path)
  QS8MicroKernelFunction run;
};

// The micro-kernel of each path (defined in its own translation unit).
extern const QS8MicroKernel qs8_gemm_requant_4x16c4__scalar;
extern const QS8MicroKernel qs8_gemm_requant_6x8c4__avx2;
extern const QS8MicroKernel qs8_gemm_requant_8x32c4__avx512vnni;

const QS8MicroKernel& qs8_micro_kernel(QGemmPath path);

// The folded offset of row r: bias - b_zero_point x rowsum, added to every sum of the row.
// Both this and the sum may pass 2^31 where their total does not: they are added modulo
// 2^32, as the vector lanes do.
inline int32_t qs8_row_offset(const QS8TileEpilogue& e, int r) {
  const uint32_t bias = e.bias ? static_cast<uint32_t>(e.bias[r]) : 0u;
  return static_cast<int32_t>(bias - static_cast<uint32_t>(e.b_zero_point) * static_cast<uint32_t>(e.row_sums[r]));
}

// The epilogue of one output element (row r of the tile): the scalar kernel uses it and
// the vector kernels are bit-exact with it.
inline int32_t qs8_tile_epilogue_value(const QS8TileEpilogue& e, int32_t sum, int r) {
  const int32_t s = static_cast<int32_t>(static_cast<uint32_t>(sum) + static_cast<uint32_t>(qs8_row_offset(e, r)));
  if (e.output == QGemmOutput::I32) return s;
  return requantize(s, e.per_row_multiplier ? e.multiplier[r] : e.multiplier[0], e.c_zero_point, e.c_min, e.c_max);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The int8 GEMM's epilogue on int32 sums made elsewhere: each row's offset added, then
// requantized, clamped and narrowed to u8 or s8 bytes exactly as the GEMM's micro-kernels
// do it (kernels/qs8_gemm_microkernel.h: QS8RowEpilogue, qs8_tile_epilogue_value), so a
// product computed by another method (the bit-serial convolution of
// ops/quantized/bit_serial_conv.h) yields the same bytes as the int8 GEMM would. The
// scalar loop is the reference; the AVX2 and AVX-512 kernels reuse the micro-kernels'
// vector requantization (x86/avx2/qs8_gemm_epilogue__avx2.h, x86/avx512/requantize__avx512.h).
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"
#include "kernels/qs8_gemm_microkernel.h"

namespace vigil::kernels {

// out[r * ldo + j] = qs8_tile_epilogue_value(e, sums[r * ld + j], r) as a byte, for rows
// [0, rows) and columns [0, cols); e.output is U8 or S8.
using QS8RequantizeRowsFunction = void (*)(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows,
                                           int64_t cols, uint8_t* out, int64_t ldo);

struct QS8RequantizeRowsKernel {
  const char* name;
  CpuFeatures needs;
  QS8RequantizeRowsFunction run;
};
// qs8_requantize_rows__scalar, __avx2, __avx512.
const KernelRegistry<QS8RequantizeRowsKernel>& qs8_requantize_rows_kernels();

}  // namespace vigil::kernels

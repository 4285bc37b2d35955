// SPDX-License-Identifier: Apache-2.0
// The last step of an integer matrix product computed transposed: ops/quantized/vigil_qgemm.cc keeps the
// weights as the GEMM's left operand (vpdpbusd multiplies unsigned activations by signed
// weights), so a float-output QGemm yields int32 sums y^T, one row per output column.
// This turns them into the float rows of y:
//   y[i][c] = float(sums[c][i]) x scale[c] + bias[c]
// a multiply and an add, each rounded (no fused multiply-add), on every path. The AVX-512
// path (x86/avx512/s32_dequantize_transpose__avx512.cc) converts 16 x 16 blocks through an
// L1 tile; the scalar loop is the reference and takes the edges.
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

struct S32DequantizeTransposeKernel {
  const char* name;
  CpuFeatures needs;
  // The whole 16 x 16 blocks of a product whose rows and columns are multiples of 16;
  // nullptr for the scalar kernel, whose loop does every element.
  void (*blocks)(int64_t rows, int64_t columns, const int32_t* sums, int64_t sums_ld, const float* scale,
                 const float* bias, float* y, int64_t y_ld);
};
// s32_dequantize_transpose__scalar, s32_dequantize_transpose__avx512.
const KernelRegistry<S32DequantizeTransposeKernel>& s32_dequantize_transpose_kernels();

// y (rows x columns, rows y_ld apart) from sums (columns x rows, rows sums_ld apart);
// bias may be null (zero).
void s32_dequantize_transpose(int64_t rows, int64_t columns, const int32_t* sums, int64_t sums_ld, const float* scale,
                              const float* bias, float* y, int64_t y_ld);

}  // namespace vigil::kernels

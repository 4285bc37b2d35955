// SPDX-License-Identifier: Apache-2.0
// The scalar loop and the dispatch of kernels/s32_dequantize_transpose.h.
#include "kernels/s32_dequantize_transpose.h"

namespace vigil::kernels {

// The whole 16 x 16 blocks of a rows x columns product, both multiples of 16
// (x86/avx512/s32_dequantize_transpose__avx512.cc).
void s32_dequantize_transpose_blocks__avx512(int64_t rows, int64_t columns, const int32_t* sums, int64_t sums_ld,
                                             const float* scale, const float* bias, float* y, int64_t y_ld);

namespace {

void scalar_part(int64_t row0, int64_t row1, int64_t column0, int64_t column1, const int32_t* sums, int64_t sums_ld,
                 const float* scale, const float* bias, float* y, int64_t y_ld) {
  for (int64_t i = row0; i < row1; ++i) {
    for (int64_t c = column0; c < column1; ++c) {
      const float scaled = static_cast<float>(sums[c * sums_ld + i]) * scale[c];
      y[i * y_ld + c] = scaled + (bias ? bias[c] : 0.0f);
    }
  }
}

constexpr S32DequantizeTransposeKernel kScalar{"s32_dequantize_transpose__scalar", CpuFeatures{}, nullptr};
constexpr S32DequantizeTransposeKernel kAvx512{"s32_dequantize_transpose__avx512", kAvx512Features,
                                               s32_dequantize_transpose_blocks__avx512};
constexpr const S32DequantizeTransposeKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<S32DequantizeTransposeKernel>& s32_dequantize_transpose_kernels() {
  static const KernelRegistry<S32DequantizeTransposeKernel> registry("s32_dequantize_transpose", kKernels);
  return registry;
}

void s32_dequantize_transpose(int64_t rows, int64_t columns, const int32_t* sums, int64_t sums_ld, const float* scale,
                              const float* bias, float* y, int64_t y_ld) {
  int64_t block_rows = 0, block_columns = 0;
  const S32DequantizeTransposeKernel& kernel = s32_dequantize_transpose_kernels().active();
  if (kernel.blocks && rows >= 16 && columns >= 16) {
    block_rows = rows / 16 * 16;
    block_columns = columns / 16 * 16;
    kernel.blocks(block_rows, block_columns, sums, sums_ld, scale, bias, y, y_ld);
  }
  scalar_part(0, block_rows, block_columns, columns, sums, sums_ld, scale, bias, y, y_ld);
  scalar_part(block_rows, rows, 0, columns, sums, sums_ld, scale, bias, y, y_ld);
}

}  // namespace vigil::kernels

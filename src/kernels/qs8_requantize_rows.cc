// SPDX-License-Identifier: Apache-2.0
// The registry of kernels/qs8_requantize_rows.h.
#include "kernels/qs8_requantize_rows.h"

namespace vigil::kernels {

void qs8_requantize_rows__scalar(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                                 uint8_t* out, int64_t ldo);
void qs8_requantize_rows__avx2(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                               uint8_t* out, int64_t ldo);
void qs8_requantize_rows__avx512(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                                 uint8_t* out, int64_t ldo);

namespace {

constexpr QS8RequantizeRowsKernel kScalar{"qs8_requantize_rows__scalar", CpuFeatures{}, qs8_requantize_rows__scalar};
constexpr QS8RequantizeRowsKernel kAvx2{"qs8_requantize_rows__avx2", kAvx2Features, qs8_requantize_rows__avx2};
constexpr QS8RequantizeRowsKernel kAvx512{"qs8_requantize_rows__avx512", kAvx512Features, qs8_requantize_rows__avx512};
constexpr const QS8RequantizeRowsKernel* kKernels[] = {&kScalar, &kAvx2, &kAvx512};

}  // namespace

const KernelRegistry<QS8RequantizeRowsKernel>& qs8_requantize_rows_kernels() {
  static const KernelRegistry<QS8RequantizeRowsKernel> registry("qs8_requantize_rows", kKernels);
  return registry;
}

}  // namespace vigil::kernels

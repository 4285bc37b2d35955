// SPDX-License-Identifier: Apache-2.0
// The horizontal pass of a max pool on the bytes of a quantized model (ops/pool.cc):
//   y[o] = max over k < window of line[o x stride + k], o < count
// signed (int8) or unsigned (uint8), where `line` already carries the pool's padding as
// the type's lowest value and at least 64 readable bytes past the last window. The
// AVX-512 path (x86/avx512/x8_window_max__avx512.cc) takes strides 1 and 2; the scalar
// loop is the reference and takes the rest.
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

struct X8WindowMaxKernel {
  const char* name;
  CpuFeatures needs;
  // Whether it took the row: the AVX-512 kernel serves strides 1 and 2, the scalar one every row.
  bool (*run)(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed, uint8_t* y);
};
// x8_window_max__scalar, x8_window_max__avx512.
const KernelRegistry<X8WindowMaxKernel>& x8_window_max_kernels();

// The active kernel, or the scalar one where it declines the row.

void x8_window_max(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed, uint8_t* y);

}  // namespace vigil::kernels

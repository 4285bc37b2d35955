// SPDX-License-Identifier: Apache-2.0
// The scalar loop and the dispatch of kernels/x8_window_max.h.
#include "kernels/x8_window_max.h"

#include <algorithm>

namespace vigil::kernels {

// Strides 1 and 2 (x86/avx512/x8_window_max__avx512.cc); false for others.
bool x8_window_max__avx512(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed,
                           uint8_t* y);

namespace {

template <class T>
void window_max(const T* line, int64_t count, int64_t window, int64_t stride, T* y) {
  for (int64_t o = 0; o < count; ++o) {
    const T* cells = line + o * stride;
    y[o] = *std::max_element(cells, cells + window);
  }
}

bool x8_window_max__scalar(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed,
                           uint8_t* y) {
  if (is_signed) {
    window_max(reinterpret_cast<const int8_t*>(line), count, window, stride, reinterpret_cast<int8_t*>(y));
  } else {
    window_max(line, count, window, stride, y);
  }
  return true;
}

constexpr X8WindowMaxKernel kScalar{"x8_window_max__scalar", CpuFeatures{}, x8_window_max__scalar};
constexpr X8WindowMaxKernel kAvx512{"x8_window_max__avx512", kAvx512Features, x8_window_max__avx512};
constexpr const X8WindowMaxKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<X8WindowMaxKernel>& x8_window_max_kernels() {
  static const KernelRegistry<X8WindowMaxKernel> registry("x8_window_max", kKernels);
  return registry;
}

void x8_window_max(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed, uint8_t* y) {
  if (!x8_window_max_kernels().active().run(line, count, window, stride, is_signed, y)) {
    x8_window_max__scalar(line, count, window, stride, is_signed, y);
  }
}

}  // namespace vigil::kernels

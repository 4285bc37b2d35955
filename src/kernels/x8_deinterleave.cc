// SPDX-License-Identifier: Apache-2.0
// The scalar loop and the dispatch of kernels/x8_deinterleave.h.
#include "kernels/x8_deinterleave.h"

namespace vigil::kernels {

// The whole row on AVX-512 (x86/avx512/x8_deinterleave__avx512.cc).
void x8_deinterleave__avx512(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);

namespace {

void x8_deinterleave__scalar(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  for (int64_t j = 0; 2 * j < count; ++j) {
    even[j] = source[2 * j];
    if (2 * j + 1 < count) odd[j] = source[2 * j + 1];
  }
}

constexpr X8DeinterleaveKernel kScalar{"x8_deinterleave__scalar", CpuFeatures{}, x8_deinterleave__scalar};
constexpr X8DeinterleaveKernel kAvx512{"x8_deinterleave__avx512", kAvx512Features, x8_deinterleave__avx512};
constexpr const X8DeinterleaveKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<X8DeinterleaveKernel>& x8_deinterleave_kernels() {
  static const KernelRegistry<X8DeinterleaveKernel> registry("x8_deinterleave", kKernels);
  return registry;
}

void x8_deinterleave(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  x8_deinterleave_kernels().active().run(source, count, even, odd);
}

}  // namespace vigil::kernels

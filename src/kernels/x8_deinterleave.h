// SPDX-License-Identifier: Apache-2.0
// A row of bytes split into its even- and odd-indexed bytes:
//   even[j] = source[2 j], odd[j] = source[2 j + 1]
// for the bytes of source[0, count). The int8 convolution splits its padded image into the phase planes of a
// stride-2 layer with it, once per inference (ops/quantized/vigil_qconv.cc). The AVX-512 path
// (x86/avx512/x8_deinterleave__avx512.cc) takes 64 bytes a step, narrowing 16-bit lanes
// (vpmovwb keeps each lane's low byte, the even one; shifted right by 8 first, the odd
// one); the scalar loop is the reference.
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

struct X8DeinterleaveKernel {
  const char* name;
  CpuFeatures needs;
  void (*run)(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);
};
// x8_deinterleave__scalar, x8_deinterleave__avx512.
const KernelRegistry<X8DeinterleaveKernel>& x8_deinterleave_kernels();

// Through the active kernel.

void x8_deinterleave(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);

}  // namespace vigil::kernels

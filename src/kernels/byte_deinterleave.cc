// The scalar loop and the dispatch of kernels/byte_deinterleave.h.
#include "kernels/byte_deinterleave.h"

namespace vigil::kernels {

// The whole row on AVX-512 (x86/avx512/byte_deinterleave__avx512.cc).
void byte_deinterleave__avx512(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);

namespace {

void byte_deinterleave__scalar(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  for (int64_t j = 0; 2 * j < count; ++j) {
    even[j] = source[2 * j];
    if (2 * j + 1 < count) odd[j] = source[2 * j + 1];
  }
}

constexpr ByteDeinterleaveKernel kScalar{"byte_deinterleave__scalar", CpuFeatures{}, byte_deinterleave__scalar};
constexpr ByteDeinterleaveKernel kAvx512{"byte_deinterleave__avx512", kAvx512Features, byte_deinterleave__avx512};
constexpr const ByteDeinterleaveKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<ByteDeinterleaveKernel>& byte_deinterleave_kernels() {
  static const KernelRegistry<ByteDeinterleaveKernel> registry("byte_deinterleave", kKernels);
  return registry;
}

void byte_deinterleave(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  byte_deinterleave_kernels().active().run(source, count, even, odd);
}

}  // namespace vigil::kernels

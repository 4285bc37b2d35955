// The scalar loop and the dispatch of kernels/byte_deinterleave.h.
#include "kernels/byte_deinterleave.h"

#include "core/cpu_features.h"

namespace vigil::kernels {

// The whole row on AVX-512 (x86/avx512/byte_deinterleave__avx512.cc).
void byte_deinterleave__avx512(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);

void byte_deinterleave(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  if (active_isa() == Isa::Avx512) return byte_deinterleave__avx512(source, count, even, odd);
  for (int64_t j = 0; 2 * j < count; ++j) {
    even[j] = source[2 * j];
    if (2 * j + 1 < count) odd[j] = source[2 * j + 1];
  }
}

}  // namespace vigil::kernels

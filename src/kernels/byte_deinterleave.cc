// The scalar loop and the dispatch of kernels/byte_deinterleave.h.
#include "kernels/byte_deinterleave.h"

#include "core/cpu_features.h"

namespace vigil::kernels {

// The whole row on AVX-512 (x86/avx512/byte_deinterleave__avx512.cc).
void byte_deinterleave__avx512(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd);

void byte_deinterleave(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  if (active_isa() == Isa::Avx512) return byte_deinterleave__avx512(source, count, even, odd);
  for (int64_t i = 0; i < count; ++i) (i % 2 == 0 ? even : odd)[i / 2] = source[i];
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// kernels/x8_deinterleave.h on AVX-512: 64 source bytes a step (the last step under a
// mask), their 32 even bytes by one narrowing of the 16-bit lanes (vpmovwb keeps each
// lane's low byte) and their 32 odd bytes by the same after a shift right by 8, each stored
// under the mask of the bytes the step holds.
#include <immintrin.h>

#include <cstdint>

// GCC 12's masked load and narrowing intrinsics pass an undefined vector as the unused
// merge source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::kernels {

void x8_deinterleave__avx512(const uint8_t* source, int64_t count, uint8_t* even, uint8_t* odd) {
  for (int64_t i = 0; i < count; i += 64) {
    const int64_t live = count - i < 64 ? count - i : 64;
    const __mmask64 in = live == 64 ? ~__mmask64{0} : (__mmask64{1} << live) - 1;
    const __m512i bytes = _mm512_maskz_loadu_epi8(in, source + i);
    // Of `live` bytes, (live + 1) / 2 are even and live / 2 odd.
    const __mmask32 evens = static_cast<__mmask32>((uint64_t{1} << ((live + 1) / 2)) - 1);
    const __mmask32 odds = static_cast<__mmask32>((uint64_t{1} << (live / 2)) - 1);
    _mm256_mask_storeu_epi8(even + i / 2, evens, _mm512_cvtepi16_epi8(bytes));
    _mm256_mask_storeu_epi8(odd + i / 2, odds, _mm512_cvtepi16_epi8(_mm512_srli_epi16(bytes, 8)));
  }
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// kernels/x8_window_max.h on AVX-512 for strides 1 and 2: the window maximum at 64
// consecutive positions from `window` unaligned loads, then for stride 1 those 64 outputs,
// for stride 2 the 32 at even positions, taken by one narrowing of 16-bit lanes (vpmovwb
// keeps each lane's low byte). Stores are masked at the end of the row.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

// GCC 12's byte max and narrowing intrinsics pass an undefined vector as the unused merge
// source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace vigil::kernels {

namespace {

template <bool kSigned>
__m512i max_bytes(__m512i a, __m512i b) {
  return kSigned ? _mm512_max_epi8(a, b) : _mm512_max_epu8(a, b);
}

template <bool kSigned, int kStride>
void window_max(const uint8_t* line, int64_t count, int64_t window, uint8_t* y) {
  constexpr int64_t kStep = 64 / kStride;  // outputs a step
  for (int64_t o = 0; o < count; o += kStep) {
    const uint8_t* cells = line + o * kStride;
    __m512i m = _mm512_loadu_si512(cells);
    for (int64_t k = 1; k < window; ++k) m = max_bytes<kSigned>(m, _mm512_loadu_si512(cells + k));
    const int64_t live = std::min(kStep, count - o);
    if constexpr (kStride == 1) {
      const __mmask64 mask = live == 64 ? ~__mmask64{0} : (__mmask64{1} << live) - 1;
      _mm512_mask_storeu_epi8(y + o, mask, m);
    } else {
      _mm256_mask_storeu_epi8(y + o, static_cast<__mmask32>((uint64_t{1} << live) - 1), _mm512_cvtepi16_epi8(m));
    }
  }
}

}  // namespace

bool x8_window_max__avx512(const uint8_t* line, int64_t count, int64_t window, int64_t stride, bool is_signed,
                           uint8_t* y) {
  if (stride == 1) {
    is_signed ? window_max<true, 1>(line, count, window, y) : window_max<false, 1>(line, count, window, y);
    return true;
  }
  if (stride == 2) {
    is_signed ? window_max<true, 2>(line, count, window, y) : window_max<false, 2>(line, count, window, y);
    return true;
  }
  return false;
}

}  // namespace vigil::kernels

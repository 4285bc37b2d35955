// SPDX-License-Identifier: Apache-2.0
// The interior of the depthwise int8 convolution's padded plane (kernels/qs8_dwconv.h)
// filled from one channel of the input on AVX-512: each row in masked 64-byte moves, int8
// input flipped to the u8 form by one XOR, the border left as qs8_dwconv_fill_scratch
// wrote it. Shared by the AVX-512 and the VBMI depthwise paths.
#pragma once

#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "kernels/qs8_dwconv.h"

namespace vigil::kernels::avx512 {

inline void fill_plane_interior(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane) {
  const QS8PlaneInterior in = qs8_dwconv_interior(s);
  const __m512i flips = _mm512_set1_epi8(static_cast<char>(flip));
  const int64_t width = s.padded_w();
  for (int64_t iy = in.row0; iy < in.row0 + in.rows; ++iy) {
    const uint8_t* from = x + iy * s.in_w + in.col0;
    uint8_t* to = plane + (iy + s.pad_top) * width + s.pad_left + in.col0;
    for (int64_t j = 0; j < in.cols; j += 64) {
      const int64_t count = std::min<int64_t>(64, in.cols - j);
      const __mmask64 mask = count == 64 ? ~__mmask64{0} : (__mmask64{1} << count) - 1;
      _mm512_mask_storeu_epi8(to + j, mask, _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask, from + j), flips));
    }
  }
}

}  // namespace vigil::kernels::avx512

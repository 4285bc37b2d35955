// SPDX-License-Identifier: Apache-2.0
// The depthwise int8 convolution (kernels/qs8_dwconv.h) on AVX-512, one channel: the
// plane's interior (x86/avx512/dwconv_plane__avx512.h), then sixteen output pixels per step. Each tap loads the sixteen
// window bytes it meets, widened so that every 32-bit lane holds the byte in its low 16 bits (stride 1: one byte per
// lane; stride 2: two bytes per lane, the even one low), and one vpmaddwd with (w, 0) in every lane adds byte x w
// exactly. The sums are requantized in registers (x86/avx512/requantize__avx512.h) and stored, masked at the row's end;
// checked, the live lanes' sums are also added up in a register.
// 3x3 kernels at stride 1 and 2 are unrolled at compile time. Other strides take the scalar loop's arithmetic through a
// gather of sixteen bytes.
#include <immintrin.h>

#include <algorithm>

#include "kernels/qs8_dwconv.h"
#include "kernels/x86/avx512/dwconv_plane__avx512.h"
#include "kernels/x86/avx512/requantize__avx512.h"

// GCC 12's 64-bit shift, min, max and 256-bit extract intrinsics pass an undefined vector
// as the unused merge source, which -Wmaybe-uninitialized (or, inlined, -Wuninitialized)
// reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace vigil::kernels {

namespace {

// Sixteen window bytes of one tap, one per 32-bit lane (low 16 bits; the high 16 bits are
// zero or a byte the (w, 0) weight pair multiplies by 0).
inline __m512i tap_bytes(const uint8_t* p, int64_t stride) {
  if (stride == 1) return _mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  if (stride == 2) return _mm512_cvtepu8_epi16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  alignas(16) uint8_t gathered[16];
  for (int i = 0; i < 16; ++i) gathered[i] = p[i * stride];
  return _mm512_cvtepu8_epi32(_mm_load_si128(reinterpret_cast<const __m128i*>(gathered)));
}

}  // namespace

namespace {

// The rows for a kernel of KH x KW at stride S, known at compile time so that the taps
// unroll (0: read from the shape). kSum: also add up the sums of the live lanes.
template <int KH, int KW, int S, bool kSum>
void rows(const QS8DwconvShape& s, const uint8_t* plane, const QS8DwconvChannel& c, int32_t offset, uint8_t* y,
          uint32_t* accumulator_sum) {
  const int64_t kh = KH ? KH : s.kernel_h, kw = KW ? KW : s.kernel_w, stride = S ? S : s.stride_w;
  const int64_t width = s.padded_w(), taps = kh * kw;
  __m512i weights[25];
  const bool held = taps <= 25;
  if (held) {
    for (int64_t t = 0; t < taps; ++t) weights[t] = _mm512_set1_epi32(static_cast<uint16_t>(int16_t{c.weights[t]}));
  }
  const avx512::MultiplierVector multiplier = avx512::multiplier_vector(c.multiplier);
  const avx512::ClampVector clamp = avx512::clamp_vector(c.y_zero_point, c.y_min, c.y_max);
  const __m512i bias = _mm512_set1_epi32(offset);
  __m512i total = _mm512_setzero_si512();
  for (int64_t oy = 0; oy < s.out_h; ++oy) {
    const uint8_t* row = plane + oy * s.stride_h * width;
    for (int64_t ox = 0; ox < s.out_w; ox += 16) {
      __m512i sum = bias;
      const uint8_t* window = row + ox * stride;
      for (int64_t ky = 0; ky < kh; ++ky) {
        for (int64_t kx = 0; kx < kw; ++kx) {
          const int64_t t = ky * kw + kx;
          const __m512i w = held ? weights[t] : _mm512_set1_epi32(static_cast<uint16_t>(int16_t{c.weights[t]}));
          sum = _mm512_add_epi32(sum, _mm512_madd_epi16(tap_bytes(window + ky * width + kx, stride), w));
        }
      }
      const __m128i bytes = _mm512_cvtepi32_epi8(avx512::requantize_epi32(sum, multiplier, clamp));
      const int64_t live = std::min<int64_t>(16, s.out_w - ox);
      const auto lanes = static_cast<__mmask16>((1u << live) - 1);
      if constexpr (kSum) total = _mm512_mask_add_epi32(total, lanes, total, sum);
      _mm_mask_storeu_epi8(y + oy * s.out_w + ox, lanes, bytes);
    }
  }
  if constexpr (kSum) *accumulator_sum = static_cast<uint32_t>(_mm512_reduce_add_epi32(total));
}

template <int KH, int KW, int S>
void rows(const QS8DwconvShape& s, const uint8_t* plane, const QS8DwconvChannel& c, int32_t offset, uint8_t* y,
          uint32_t* accumulator_sum) {
  if (accumulator_sum) return rows<KH, KW, S, true>(s, plane, c, offset, y, accumulator_sum);
  rows<KH, KW, S, false>(s, plane, c, offset, y, nullptr);
}

}  // namespace

void qs8_dwconv_channel__avx512(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane,
                                const QS8DwconvChannel& c, int32_t offset, uint8_t* y, uint32_t* accumulator_sum) {
  avx512::fill_plane_interior(s, x, flip, plane);
  if (s.kernel_h == 3 && s.kernel_w == 3 && s.stride_w == 1) {
    return rows<3, 3, 1>(s, plane, c, offset, y, accumulator_sum);
  }
  if (s.kernel_h == 3 && s.kernel_w == 3 && s.stride_w == 2) {
    return rows<3, 3, 2>(s, plane, c, offset, y, accumulator_sum);
  }
  rows<0, 0, 0>(s, plane, c, offset, y, accumulator_sum);
}

}  // namespace vigil::kernels

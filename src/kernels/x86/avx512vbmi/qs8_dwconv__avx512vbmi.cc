// SPDX-License-Identifier: Apache-2.0
// The depthwise int8 convolution (kernels/qs8_dwconv.h) with AVX-512 VNNI and VBMI, one
// channel, for filters up to 4 wide: the plane's interior (x86/avx512/dwconv_plane__avx512.h),
// then sixteen output pixels per step. For each filter row,
// one 64-byte load and one vpermb put every pixel's window bytes (up to 4) into its own
// 32-bit lane, and one vpdpbusd adds them times the row's weights (0 past the filter's
// width), exactly: three instructions per filter row where a tap at a time takes nine.
// A plane narrower than 16 packs several output rows into the lanes (lane l: row
// l / out_w, column l % out_w), whose outputs lie one after another in y, so a 7 x 7 plane
// fills 14 of 16 lanes instead of 7. The sums are requantized in registers
// (x86/avx512/requantize__avx512.h) and stored, masked; checked, the live lanes' sums are
// also added up in a register.
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

// The byte permutation of a step: byte 4l + j is where lane l's window row starts within
// the step's 64 bytes, plus j. Lanes past the step's pixels get anything (their outputs
// are not stored).
__m512i window_index(const QS8DwconvShape& s, int64_t rows_per_step) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512i start = _mm512_mullo_epi32(lane, _mm512_set1_epi32(static_cast<int32_t>(s.stride_w)));
  // Each further output row moves the start on by stride_h rows of the plane, less the
  // columns the lanes before it counted.
  const auto next_row = static_cast<int32_t>(s.stride_h * s.padded_w() - s.out_w * s.stride_w);
  for (int64_t row = 1; row < rows_per_step; ++row) {
    const __mmask16 later = _mm512_cmpge_epi32_mask(lane, _mm512_set1_epi32(static_cast<int32_t>(row * s.out_w)));
    start = _mm512_mask_add_epi32(start, later, start, _mm512_set1_epi32(next_row));
  }
  return _mm512_add_epi32(_mm512_mullo_epi32(start, _mm512_set1_epi32(0x01010101)), _mm512_set1_epi32(0x03020100));
}

// One filter row's weights in every lane, as four signed bytes (zeros past the width): one
// masked load and a broadcast, where shifting the bytes together in scalar code made a
// chain that every channel's first step waited for.
__m512i row_weights(const int8_t* w, int64_t width) {
  return _mm512_broadcastd_epi32(_mm_maskz_loadu_epi8(static_cast<__mmask16>((1u << width) - 1), w));
}

// KH: the filter's height when known at compile time (0: read from the shape). kSum: also
// add up the sums of the live lanes.
template <int KH, bool kSum>
void steps(const QS8DwconvShape& s, int64_t rows_per_step, const uint8_t* plane, const QS8DwconvChannel& c,
           int32_t offset, uint8_t* y, uint32_t* accumulator_sum) {
  const int64_t kh = KH ? KH : s.kernel_h, width = s.padded_w();
  __m512i weights[8];
  for (int64_t ky = 0; ky < kh; ++ky) weights[ky] = row_weights(c.weights + ky * s.kernel_w, s.kernel_w);
  const __m512i index = window_index(s, rows_per_step);
  const avx512::MultiplierVector multiplier = avx512::multiplier_vector(c.multiplier);
  const avx512::ClampVector clamp = avx512::clamp_vector(c.y_zero_point, c.y_min, c.y_max);
  const __m512i bias = _mm512_set1_epi32(offset);
  __m512i total = _mm512_setzero_si512();
  for (int64_t oy = 0; oy < s.out_h; oy += rows_per_step) {
    // With several rows per step the plane is narrower than 16: one step per row group.
    for (int64_t ox = 0; ox < s.out_w; ox += 16) {
      const uint8_t* window = plane + oy * s.stride_h * width + ox * s.stride_w;
      __m512i sum = bias;
      for (int64_t ky = 0; ky < kh; ++ky) {
        const __m512i bytes = _mm512_permutexvar_epi8(index, _mm512_loadu_si512(window + ky * width));
        sum = _mm512_dpbusd_epi32(sum, bytes, weights[ky]);
      }
      const __m128i out = _mm512_cvtepi32_epi8(avx512::requantize_epi32(sum, multiplier, clamp));
      const int64_t live =
          rows_per_step == 1 ? std::min<int64_t>(16, s.out_w - ox) : std::min(rows_per_step, s.out_h - oy) * s.out_w;
      const auto lanes = static_cast<__mmask16>((1u << live) - 1);
      if constexpr (kSum) total = _mm512_mask_add_epi32(total, lanes, total, sum);
      _mm_mask_storeu_epi8(y + oy * s.out_w + ox, lanes, out);
    }
  }
  if constexpr (kSum) *accumulator_sum = static_cast<uint32_t>(_mm512_reduce_add_epi32(total));
}

// A small plane written whole from its pieces (kernels/qs8_dwconv.h QS8PlanePiece): the
// input's bytes flipped to the u8 form, permuted into place, the zero point on the border.
void expand_plane(const QS8DwconvShape& s, const QS8PlanePiece* pieces, const uint8_t* x, uint8_t flip,
                  uint8_t zero_point, uint8_t* plane) {
  const int64_t bytes = s.padded_h() * s.padded_w();
  const __m512i flips = _mm512_set1_epi8(static_cast<char>(flip));
  const __m512i border = _mm512_set1_epi8(static_cast<char>(zero_point));
  for (int64_t v = 0; v * 64 < bytes; ++v) {
    const QS8PlanePiece& piece = pieces[v];
    const auto load = piece.count >= 64 ? ~__mmask64{0} : (__mmask64{1} << piece.count) - 1;
    const __m512i input = _mm512_xor_si512(_mm512_maskz_loadu_epi8(load, x + piece.base), flips);
    const __m512i bytes_of_piece =
        _mm512_mask_permutexvar_epi8(border, piece.valid, _mm512_loadu_si512(piece.index), input);
    const int64_t left = bytes - v * 64;
    _mm512_mask_storeu_epi8(plane + v * 64, left >= 64 ? ~__mmask64{0} : (__mmask64{1} << left) - 1, bytes_of_piece);
  }
}

template <int KH>
void steps(const QS8DwconvShape& s, int64_t rows_per_step, const uint8_t* plane, const QS8DwconvChannel& c,
           int32_t offset, uint8_t* y, uint32_t* accumulator_sum) {
  if (accumulator_sum) return steps<KH, true>(s, rows_per_step, plane, c, offset, y, accumulator_sum);
  steps<KH, false>(s, rows_per_step, plane, c, offset, y, nullptr);
}

}  // namespace

void qs8_dwconv_channel__avx512vbmi(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane,
                                    const QS8DwconvChannel& c, int32_t offset, uint8_t* y, uint32_t* accumulator_sum) {
  const QS8PlanePiece* pieces = qs8_dwconv_plane_pieces(s, plane);
  if (pieces) {
    expand_plane(s, pieces, x, flip, static_cast<uint8_t>(c.x_zero_point + (flip ? 128 : 0)), plane);
  } else {
    avx512::fill_plane_interior(s, x, flip, plane);
  }
  const int64_t rows_per_step = qs8_dwconv_vbmi_rows_per_step(s);
  if (s.kernel_h == 3) return steps<3>(s, rows_per_step, plane, c, offset, y, accumulator_sum);
  steps<0>(s, rows_per_step, plane, c, offset, y, accumulator_sum);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The prediction of a depthwise int8 plane's checksum (kernels/qs8_dwconv.h) on AVX-512,
// for the AVX-512 and VBMI depthwise kernels. Footprint: the plane's bytes, 32 at a time
// widened to 16 bits, one vpmaddwd each with the footprint. Columns:
//   sum_ky sum_columns C_ky[column] x W_ky[column]   (modulo 2^32);
// planes up to 128 columns wide keep C_ky in up to four registers of 16-bit lanes (out_h
// <= 128 rows of bytes stay below 2^15, so vpmaddwd multiplies them as signed by the
// column weights), each plane row added with one widening load and one add; filter rows
// from stride_h on take the sums of the row stride_h before, less one plane row and plus
// another; one vpmaddwd per register and filter row finishes the sum. Other planes take
// the loops of kernels/qs8_dwconv_checksum_loops.h.
#include <immintrin.h>

#include <algorithm>

#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_dwconv_checksum_loops.h"

// GCC 12's headers build the 256-bit halves of a zmm from an undefined merge source, which
// -Wmaybe-uninitialized (or, inlined, -Wuninitialized) reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

namespace vigil::kernels {

namespace {

constexpr int kLanes = 32;  // 16-bit lanes per register
constexpr int64_t kMaxWidth = 4 * kLanes, kMaxRows = 128, kMaxKernelH = 8;

// R registers of 32 columns each.
template <int R>
uint32_t in_registers(const QS8DwconvShape& s, const uint8_t* plane, const int16_t* column_weights) {
  const int64_t width = s.padded_w(), weights_ld = qs8_dwconv_checksum_columns(s);
  __mmask32 live[R];
  for (int r = 0; r < R; ++r) {
    const int64_t columns = std::clamp<int64_t>(width - r * kLanes, 0, kLanes);
    live[r] = columns == kLanes ? ~__mmask32{0} : (__mmask32{1} << columns) - 1;
  }
  auto row = [&](int64_t y, int r) {
    return _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(live[r], plane + y * width + r * kLanes));
  };
  __m512i sums[kMaxKernelH][R];
  __m512i total = _mm512_setzero_si512();
  for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
    __m512i acc[R];
    if (ky < s.stride_h) {
      for (int r = 0; r < R; ++r) acc[r] = _mm512_setzero_si512();
      for (int64_t y = ky; y < ky + s.out_h * s.stride_h; y += s.stride_h) {
        for (int r = 0; r < R; ++r) acc[r] = _mm512_add_epi16(acc[r], row(y, r));
      }
    } else {
      const int64_t leaving = ky - s.stride_h, arriving = (s.out_h - 1) * s.stride_h + ky;
      for (int r = 0; r < R; ++r) {
        acc[r] = _mm512_add_epi16(_mm512_sub_epi16(sums[ky - s.stride_h][r], row(leaving, r)), row(arriving, r));
      }
    }
    for (int r = 0; r < R; ++r) {
      sums[ky][r] = acc[r];
      const __m512i weights = _mm512_loadu_si512(column_weights + ky * weights_ld + r * kLanes);
      total = _mm512_add_epi32(total, _mm512_madd_epi16(acc[r], weights));
    }
  }
  return static_cast<uint32_t>(_mm512_reduce_add_epi32(total));
}

// The footprint's dot product (its int16 weights padded with zeros to whole vectors).
uint32_t by_footprint(const QS8DwconvShape& s, const uint8_t* plane, const int16_t* footprint) {
  const int64_t bytes = s.padded_h() * s.padded_w();
  __m512i total = _mm512_setzero_si512();
  for (int64_t i = 0; i < bytes; i += kLanes) {
    const int64_t left = bytes - i;
    const __mmask32 live = left >= kLanes ? ~__mmask32{0} : (__mmask32{1} << left) - 1;
    const __m512i values = _mm512_cvtepu8_epi16(_mm256_maskz_loadu_epi8(live, plane + i));
    total = _mm512_add_epi32(total, _mm512_madd_epi16(values, _mm512_loadu_si512(footprint + i)));
  }
  return static_cast<uint32_t>(_mm512_reduce_add_epi32(total));
}

}  // namespace

uint32_t qs8_dwconv_checksum__avx512(const QS8DwconvShape& s, const uint8_t* plane, const int16_t* checksum_weights,
                                     uint32_t* columns) {
  if (qs8_dwconv_checksum_by_footprint(s)) return by_footprint(s, plane, checksum_weights);
  const int16_t* column_weights = checksum_weights;
  const int64_t width = s.padded_w();
  if (width <= kMaxWidth && s.out_h <= kMaxRows && s.kernel_h <= kMaxKernelH) {
    switch ((width + kLanes - 1) / kLanes) {
      case 1: return in_registers<1>(s, plane, column_weights);
      case 2: return in_registers<2>(s, plane, column_weights);
      case 3: return in_registers<3>(s, plane, column_weights);
      default: return in_registers<4>(s, plane, column_weights);
    }
  }
  return qs8_dwconv_checksum_loops::predicted_sum(s, plane, column_weights, columns);
}

}  // namespace vigil::kernels

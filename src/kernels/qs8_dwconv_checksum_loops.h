// SPDX-License-Identifier: Apache-2.0
// The prediction of a depthwise int8 plane's checksum (kernels/qs8_dwconv.h) as plain loops:
// the scalar kernel's, and the vector kernels' for planes too large for their registers.
// Written once for the compiler to vectorize and included by one translation unit per
// path, each compiled with its own flags: hence the unnamed namespace.
//   footprint: sum_bytes plane[byte] x F[byte]   (modulo 2^32), one pass over the plane;
//   columns:   sum_ky sum_columns C_ky[column] x W_ky[column]   (modulo 2^32),
// C_ky the column sums of the plane rows filter row ky reads (ky, ky + stride_h, ...,
// out_h of them): added row by row for the first stride_h filter rows; each later one
// takes the sums of the filter row stride_h before it, less the plane row it leaves, plus
// the one it adds. About one pass over the plane.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/qs8_dwconv.h"

namespace vigil::kernels::qs8_dwconv_checksum_loops {
namespace {

[[maybe_unused]] uint32_t predicted_sum(const QS8DwconvShape& s, const uint8_t* plane, const int16_t* checksum_weights,
                                        uint32_t* columns) {
  if (qs8_dwconv_checksum_by_footprint(s)) {
    uint32_t total = 0;
    for (int64_t i = 0; i < s.padded_h() * s.padded_w(); ++i) {
      total += plane[i] * static_cast<uint32_t>(int32_t{checksum_weights[i]});
    }
    return total;
  }
  const int16_t* column_weights = checksum_weights;
  const int64_t width = s.padded_w(), weights_ld = qs8_dwconv_checksum_columns(s);
  const int64_t last_row = (s.out_h - 1) * s.stride_h;
  uint32_t total = 0;
  for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
    uint32_t* sums = columns + ky * width;
    if (ky < s.stride_h) {
      std::fill(sums, sums + width, 0u);
      for (int64_t oy = 0; oy < s.out_h; ++oy) {
        const uint8_t* row = plane + (oy * s.stride_h + ky) * width;
        for (int64_t i = 0; i < width; ++i) sums[i] += row[i];
      }
    } else {
      const uint32_t* before = sums - s.stride_h * width;
      const uint8_t* leaving = plane + (ky - s.stride_h) * width;
      const uint8_t* arriving = plane + (last_row + ky) * width;
      for (int64_t i = 0; i < width; ++i) sums[i] = before[i] - leaving[i] + arriving[i];
    }
    const int16_t* weights = column_weights + ky * weights_ld;
    for (int64_t i = 0; i < width; ++i) total += sums[i] * static_cast<uint32_t>(int32_t{weights[i]});
  }
  return total;
}

}  // namespace
}  // namespace vigil::kernels::qs8_dwconv_checksum_loops

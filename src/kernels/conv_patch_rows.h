// SPDX-License-Identifier: Apache-2.0
// One row of a convolution's virtual patch matrix, laid out contiguously: for patch row
// (channel, ky, kx) and a stretch of output pixels, the input values each pixel's window
// reads at that offset, and the padding value where the window lies outside the image.
// The implicit-GEMM packers of the f32 GEMM (f32_conv_patches.cc) and of the int8 GEMM
// (x8_conv_patches.cc) fill such stretches, then cut them into their kernels' panels.
// Per-row decoding and bounds work is paid once per stretch, not once per panel, and the
// copies are plain loops the compiler vectorises.
#pragma once

#include <algorithm>
#include <cstdint>

namespace vigil::kernels::patch_rows {

constexpr int64_t kLine = 512;  // columns per stretch (a multiple of every NR)

// a / b rounded up, for b > 0 and any sign of a.
inline int64_t ceil_div(int64_t a, int64_t b) { return a > 0 ? (a + b - 1) / b : a / b; }

// The outputs [lo, hi) of a run of `run` outputs starting at input column ix0 whose input
// lies inside the row.
template <class Geometry>
inline void inside(const Geometry& g, int64_t ix0, int64_t run, int64_t& lo, int64_t& hi) {
  if (g.stride_w == 1) {  // the common case, without divisions
    lo = std::clamp<int64_t>(-ix0, 0, run);
    hi = std::clamp<int64_t>(g.in_w - ix0, lo, run);
    return;
  }
  lo = std::clamp<int64_t>(ceil_div(-ix0, g.stride_w), 0, run);
  hi = std::clamp<int64_t>(ceil_div(g.in_w - ix0, g.stride_w), lo, run);
}

// to[t] = from[t * stride]: restrict-qualified so that the compiler vectorises the common
// stride 2 (two loads and a shuffle per vector) rather than copying float by float.
template <class T>
inline void gather(const T* __restrict from, int64_t stride, int64_t count, T* __restrict to) {
  if (stride == 2) {
    for (int64_t t = 0; t < count; ++t) to[t] = from[2 * t];
    return;
  }
  for (int64_t t = 0; t < count; ++t) to[t] = from[t * stride];
}

// `count` columns of patch row (channel, ky, kx), from output pixel (oy, ox) on, into
// line[0, count); `source` is the channel's plane, `pad` the value of the padding. The
// geometry has the fields of F32ConvPatches. Short runs dominate on small images: plain
// loops, not memcpy and memset calls.
template <class T, class Geometry>
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void fill_line(const Geometry& g, const T* source,
                                                                             int64_t ky, int64_t kx, int64_t oy,
                                                                             int64_t ox, int64_t count, T pad,
                                                                             T* line) {
  // Rows that start at output column 0 share their bounds (no divisions per row).
  const int64_t row_start = kx * g.dilation_w - g.pad_left, stride = g.stride_w;
  int64_t full_lo = 0, full_hi = 0;
  inside(g, row_start, g.out_w, full_lo, full_hi);
  for (int64_t j = 0; j < count;) {
    const int64_t run = std::min(count - j, g.out_w - ox);  // pixels left on this output row
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    T* segment = line + j;
    if (iy < 0 || iy >= g.in_h) {
      for (int64_t t = 0; t < run; ++t) segment[t] = pad;
    } else {
      // Output t of the run reads input column ix0 + t * stride: the in-image part
      // [lo, hi) is copied without checks, the padding on either side zero-filled.
      const int64_t ix0 = row_start + ox * stride;
      int64_t lo = std::min(full_lo, run), hi = std::min(full_hi, run);
      if (ox != 0) inside(g, ix0, run, lo, hi);
      for (int64_t t = 0; t < lo; ++t) segment[t] = pad;
      const T* from = source + iy * g.in_w + ix0 + lo * stride;
      T* to = segment + lo;
      if (stride == 1) {
        for (int64_t t = 0; t < hi - lo; ++t) to[t] = from[t];
      } else {
        gather(from, stride, hi - lo, to);
      }
      for (int64_t t = hi; t < run; ++t) segment[t] = pad;
    }
    j += run;
    ox = 0;
    ++oy;
  }
}

}  // namespace vigil::kernels::patch_rows

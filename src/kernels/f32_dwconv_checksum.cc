// SPDX-License-Identifier: Apache-2.0
// The depthwise plane checksum (kernels/f32_dwconv_checksum.h).
//
// For a tap at row offset a = ky dh - pad_top and column offset b = kx dw - pad_left, the
// window it reads is x[oy sh + a][ox sw + b] over the output positions. Along a row, the
// columns ox sw + b are one stride phase r = b mod sw, elements t = (b - r) / sw + ox of it:
// a prefix sum per phase gives their sum in O(1). So the row sums R_b[y] cost one pass over
// the plane plus O(kw) per row, and S[tap] = sum over oy of R_b[oy sh + a] costs out_h.
#include "kernels/f32_dwconv_checksum.h"

#include <algorithm>
#include <cmath>

namespace vigil::kernels {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

DwConvPlaneChecksum f32_dwconv_plane_checksum(const F32DwConvGeometry& g, const float* x, const float* w,
                                              std::vector<double>& scratch) {
  const int64_t sw = g.stride_w, sh = g.stride_h, kh = g.kernel_h, kw = g.kernel_w;
  const int64_t phase_length = (g.in_w + sw - 1) / sw + 1;  // prefix sums: one more than the phase's elements
  // scratch: per phase, prefix sums of x and |x| along the current row; then per kx the
  // window sums R (value, magnitude) of every input row.
  scratch.resize(static_cast<size_t>(2 * sw * phase_length + 2 * kw * g.in_h));
  double* prefix = scratch.data();
  double* magnitude_prefix = prefix + sw * phase_length;
  double* rows = magnitude_prefix + sw * phase_length;  // rows[kx * in_h + y]
  double* magnitude_rows = rows + kw * g.in_h;
  for (int64_t y = 0; y < g.in_h; ++y) {
    const float* line = x + y * g.in_w;
    for (int64_t r = 0; r < sw; ++r) {
      double total = 0, magnitude = 0;
      prefix[r * phase_length] = magnitude_prefix[r * phase_length] = 0;
      int64_t t = 0;
      for (int64_t column = r; column < g.in_w; column += sw, ++t) {
        total += line[column];
        magnitude += std::fabs(line[column]);
        prefix[r * phase_length + t + 1] = total;
        magnitude_prefix[r * phase_length + t + 1] = magnitude;
      }
    }
    for (int64_t kx = 0; kx < kw; ++kx) {
      const int64_t b = kx * g.dilation_w - g.pad_left;
      const int64_t r = b - floor_div(b, sw) * sw;
      const int64_t count = (g.in_w - r + sw - 1) / sw;  // elements of phase r
      const int64_t first = floor_div(b - r, sw);         // t of ox = 0
      const int64_t lo = std::clamp<int64_t>(first, 0, count), hi = std::clamp<int64_t>(first + g.out_w, 0, count);
      rows[kx * g.in_h + y] = prefix[r * phase_length + hi] - prefix[r * phase_length + lo];
      magnitude_rows[kx * g.in_h + y] = magnitude_prefix[r * phase_length + hi] - magnitude_prefix[r * phase_length + lo];
    }
  }
  DwConvPlaneChecksum checksum;
  for (int64_t ky = 0; ky < kh; ++ky) {
    const int64_t a = ky * g.dilation_h - g.pad_top;
    for (int64_t kx = 0; kx < kw; ++kx) {
      double window = 0, magnitude = 0;
      for (int64_t oy = 0; oy < g.out_h; ++oy) {
        const int64_t y = oy * sh + a;
        if (y < 0 || y >= g.in_h) continue;
        window += rows[kx * g.in_h + y];
        magnitude += magnitude_rows[kx * g.in_h + y];
      }
      const double weight = w[ky * kw + kx];
      checksum.predicted += weight * window;
      checksum.bound += std::fabs(weight) * magnitude;
    }
  }
  return checksum;
}

bool f32_dwconv_plane_agrees(const DwConvPlaneChecksum& checksum, double actual, double spread, int64_t taps) {
  constexpr double kUnit = 0x1p-24;
  if (!std::isfinite(checksum.predicted) || !std::isfinite(checksum.bound)) return true;  // NaN or Inf in the input
  const double allowed = 2.0 * kUnit * static_cast<double>(taps + 2) * checksum.bound + 4.0 * kUnit * spread;
  return std::fabs(actual - checksum.predicted) <= allowed;
}

}  // namespace vigil::kernels

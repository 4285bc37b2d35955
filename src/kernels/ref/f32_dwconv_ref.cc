// SPDX-License-Identifier: Apache-2.0
// The scalar reference depthwise convolution of kernels/f32_dwconv.h: any kernel size,
// stride, dilation and padding. For each output row only the filter rows that land inside
// the image are visited, and for each output the columns likewise.
#include <algorithm>

#include "kernels/f32_dwconv.h"

namespace vigil::kernels {

void f32_dwconv__scalar(const F32DwConvGeometry& g, const float* x, const float* w, const F32DwConvEpilogue& e,
                        float* y) {
  for (int64_t oy = 0; oy < g.out_h; ++oy) {
    const int64_t iy0 = oy * g.stride_h - g.pad_top;
    for (int64_t ox = 0; ox < g.out_w; ++ox) {
      const int64_t ix0 = ox * g.stride_w - g.pad_left;
      float sum = 0.0f;
      for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
        const int64_t iy = iy0 + ky * g.dilation_h;
        if (iy < 0 || iy >= g.in_h) continue;
        for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
          const int64_t ix = ix0 + kx * g.dilation_w;
          if (ix >= 0 && ix < g.in_w) sum += w[ky * g.kernel_w + kx] * x[iy * g.in_w + ix];
        }
      }
      float v = sum + e.bias;
      if (e.residual) v += e.residual[oy * g.out_w + ox];
      y[oy * g.out_w + ox] = std::min(std::max(v, e.lower), e.upper);
    }
  }
}

}  // namespace vigil::kernels

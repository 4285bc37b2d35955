// SPDX-License-Identifier: Apache-2.0
// The implicit-GEMM patch packer of kernels/f32_conv_patches.h. For each patch row p
// (channel, ky, kx) it first lays out a stretch of up to kLine columns of that row
// contiguously (kernels/conv_patch_rows.h; the padding is zero), then cuts the stretch
// into the NR-wide panels. A 1x1 window at unit stride without padding copies the channel
// planes straight into panels.
#include "kernels/f32_conv_patches.h"

#include <algorithm>

#include "kernels/conv_patch_rows.h"

namespace vigil::kernels {

using patch_rows::kLine;

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void f32_pack_conv_patches(const void* context,
                                                                                         int64_t p0, int64_t depth,
                                                                                         int64_t col0, int64_t cols,
                                                                                         int nr, float* out) {
  const F32ConvPatches& g = *static_cast<const F32ConvPatches*>(context);
  const int64_t taps = g.kernel_h * g.kernel_w, plane = g.in_h * g.in_w;
  const int64_t stretch = std::max<int64_t>(nr, kLine / nr * nr);
  alignas(64) float line[kLine + 64];
  // A 1x1 window at unit stride without padding: each patch row is a channel plane as is.
  const bool direct = taps == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                      g.in_h == g.out_h && g.in_w == g.out_w;
  if (direct) {
    // Panel by panel: the panels are written in order, one stream, and each row of a panel
    // is one cache line of a channel plane.
    for (int64_t j0 = 0; j0 < cols; j0 += nr) {
      const int64_t live = std::min<int64_t>(nr, cols - j0);
      const float* from = g.image + p0 * plane + col0 + j0;
      float* dst = out + j0 / nr * depth * nr;
      for (int64_t p = 0; p < depth; ++p, from += plane, dst += nr) {
        for (int64_t t = 0; t < live; ++t) dst[t] = from[t];
        for (int64_t t = live; t < nr; ++t) dst[t] = 0.0f;
      }
    }
    return;
  }
  for (int64_t c0 = 0; c0 < cols; c0 += stretch) {
    const int64_t count = std::min(stretch, cols - c0);
    const int64_t oy = (col0 + c0) / g.out_w, ox = (col0 + c0) % g.out_w;
    float* panels = out + c0 / nr * depth * nr;
    // (channel, ky, kx) of row p, stepped like an odometer rather than divided out.
    int64_t channel = p0 / taps, ky = p0 % taps / g.kernel_w, kx = p0 % g.kernel_w;
    for (int64_t p = 0; p < depth; ++p) {
      const float* from = g.image + channel * plane + col0 + c0;  // the plane is the patch row
      if (!direct) {
        patch_rows::fill_line(g, g.image + channel * plane, ky, kx, oy, ox, count, 0.0f, line);
        from = line;
      }
      float* dst = panels + p * nr;
      for (int64_t j0 = 0; j0 < count; j0 += nr, dst += depth * nr) {
        const int64_t live = std::min<int64_t>(nr, count - j0);
        for (int64_t t = 0; t < live; ++t) dst[t] = from[j0 + t];
        for (int64_t t = live; t < nr; ++t) dst[t] = 0.0f;
      }
      if (++kx == g.kernel_w) {
        kx = 0;
        if (++ky == g.kernel_h) {
          ky = 0;
          ++channel;
        }
      }
    }
  }
}

}  // namespace vigil::kernels

// The implicit-GEMM patch packer of kernels/f32_conv_patches.h. Each panel row walks the
// panel's output pixels one output row at a time: a unit horizontal stride copies the
// in-image part of the input row with memcpy and zero-fills the padding on either side;
// other strides gather element by element.
#include "kernels/f32_conv_patches.h"

#include <algorithm>
#include <cstring>

namespace vigil::kernels {

void f32_pack_conv_patches(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr,
                           float* out) {
  const F32ConvPatches& g = *static_cast<const F32ConvPatches*>(context);
  const int64_t taps = g.kernel_h * g.kernel_w, plane = g.in_h * g.in_w;
  for (int64_t j0 = 0; j0 < cols; j0 += nr) {
    const int64_t live = std::min<int64_t>(nr, cols - j0);
    const int64_t first_y = (col0 + j0) / g.out_w, first_x = (col0 + j0) % g.out_w;
    for (int64_t p = p0; p < p0 + depth; ++p) {
      const int64_t channel = p / taps, tap = p % taps;
      const int64_t ky = tap / g.kernel_w, kx = tap % g.kernel_w;
      const float* source = g.image + channel * plane;
      float* dst = out + (p - p0) * nr;
      int64_t oy = first_y, ox = first_x;
      for (int64_t j = 0; j < live;) {
        const int64_t run = std::min(live - j, g.out_w - ox);  // pixels left on this output row
        const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
        float* segment = dst + j;
        if (iy < 0 || iy >= g.in_h) {
          std::fill(segment, segment + run, 0.0f);
        } else {
          const float* row = source + iy * g.in_w;
          const int64_t ix0 = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
          if (g.stride_w == 1) {
            const int64_t lo = std::clamp<int64_t>(-ix0, 0, run);
            const int64_t hi = std::clamp<int64_t>(g.in_w - ix0, lo, run);
            std::fill(segment, segment + lo, 0.0f);
            std::memcpy(segment + lo, row + ix0 + lo, static_cast<size_t>(hi - lo) * sizeof(float));
            std::fill(segment + hi, segment + run, 0.0f);
          } else {
            for (int64_t t = 0; t < run; ++t) {
              const int64_t ix = ix0 + t * g.stride_w;
              segment[t] = ix >= 0 && ix < g.in_w ? row[ix] : 0.0f;
            }
          }
        }
        j += run;
        ox = 0;
        ++oy;
      }
      std::fill(dst + live, dst + nr, 0.0f);
    }
    out += depth * nr;
  }
}

}  // namespace vigil::kernels

// The implicit-GEMM patch packer of kernels/f32_conv_patches.h. For each patch row p
// (channel, ky, kx) it first lays out a stretch of up to kLine columns of that row
// contiguously (a unit horizontal stride copies the in-image part of each input row and
// zero-fills the padding on either side; other strides gather), then cuts the stretch
// into the NR-wide panels. Per-row decoding and bounds work is thus paid once per stretch,
// not once per panel, and both copies are plain loops the compiler vectorises.
#include "kernels/f32_conv_patches.h"

#include <algorithm>

namespace vigil::kernels {

namespace {

constexpr int64_t kLine = 512;  // columns per stretch (a multiple of every NR)

// Columns [col, col + count) of patch row (channel, ky, kx) into line[0, count).
void fill_line(const F32ConvPatches& g, const float* source, int64_t ky, int64_t kx, int64_t col, int64_t count,
               float* line) {
  int64_t oy = col / g.out_w, ox = col % g.out_w;
  for (int64_t j = 0; j < count;) {
    const int64_t run = std::min(count - j, g.out_w - ox);  // pixels left on this output row
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    float* segment = line + j;
    if (iy < 0 || iy >= g.in_h) {
      for (int64_t t = 0; t < run; ++t) segment[t] = 0.0f;
    } else {
      const float* row = source + iy * g.in_w;
      const int64_t ix0 = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
      if (g.stride_w == 1) {
        const int64_t lo = std::clamp<int64_t>(-ix0, 0, run);
        const int64_t hi = std::clamp<int64_t>(g.in_w - ix0, lo, run);
        for (int64_t t = 0; t < lo; ++t) segment[t] = 0.0f;
        const float* from = row + ix0 + lo;
        float* to = segment + lo;
        for (int64_t t = 0; t < hi - lo; ++t) to[t] = from[t];
        for (int64_t t = hi; t < run; ++t) segment[t] = 0.0f;
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
}

}  // namespace

void f32_pack_conv_patches(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr,
                           float* out) {
  const F32ConvPatches& g = *static_cast<const F32ConvPatches*>(context);
  const int64_t taps = g.kernel_h * g.kernel_w, plane = g.in_h * g.in_w;
  const int64_t stretch = std::max<int64_t>(nr, kLine / nr * nr);
  alignas(64) float line[kLine + 64];
  for (int64_t c0 = 0; c0 < cols; c0 += stretch) {
    const int64_t count = std::min(stretch, cols - c0);
    float* panels = out + c0 / nr * depth * nr;
    for (int64_t p = p0; p < p0 + depth; ++p) {
      const int64_t channel = p / taps, tap = p % taps;
      fill_line(g, g.image + channel * plane, tap / g.kernel_w, tap % g.kernel_w, col0 + c0, count, line);
      float* dst = panels + (p - p0) * nr;
      for (int64_t j0 = 0; j0 < count; j0 += nr, dst += depth * nr) {
        const int64_t live = std::min<int64_t>(nr, count - j0);
        for (int64_t t = 0; t < live; ++t) dst[t] = line[j0 + t];
        for (int64_t t = live; t < nr; ++t) dst[t] = 0.0f;
      }
    }
  }
}

}  // namespace vigil::kernels

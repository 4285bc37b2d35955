// The implicit-GEMM patch packer of kernels/f32_conv_patches.h. For each patch row p
// (channel, ky, kx) it first lays out a stretch of up to kLine columns of that row
// contiguously (the in-image part of each output row's input is copied, or gathered at a
// stride, without checks; the padding on either side is zero-filled), then cuts the stretch
// into the NR-wide panels. Per-row decoding and bounds work is thus paid once per stretch,
// not once per panel, and both copies are plain loops the compiler vectorises. A 1x1
// window at unit stride without padding copies the channel planes straight into panels.
#include "kernels/f32_conv_patches.h"

#include <algorithm>

namespace vigil::kernels {

namespace {

constexpr int64_t kLine = 512;  // columns per stretch (a multiple of every NR)

// a / b rounded up, for b > 0 and any sign of a.
inline int64_t ceil_div(int64_t a, int64_t b) { return a > 0 ? (a + b - 1) / b : a / b; }

// The outputs [lo, hi) of a run of `run` outputs starting at input column ix0 whose input
// lies inside the row.
inline void inside(const F32ConvPatches& g, int64_t ix0, int64_t run, int64_t& lo, int64_t& hi) {
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
inline void gather(const float* __restrict from, int64_t stride, int64_t count, float* __restrict to) {
  if (stride == 2) {
    for (int64_t t = 0; t < count; ++t) to[t] = from[2 * t];
    return;
  }
  for (int64_t t = 0; t < count; ++t) to[t] = from[t * stride];
}

// `count` columns of patch row (channel, ky, kx), from output pixel (oy, ox) on, into
// line[0, count).
// Short runs dominate on small images: plain loops, not memcpy and memset calls.
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void fill_line(const F32ConvPatches& g, const float* source, int64_t ky, int64_t kx, int64_t oy, int64_t ox,
               int64_t count, float* line) {
  // Rows that start at output column 0 share their bounds (no divisions per row).
  const int64_t row_start = kx * g.dilation_w - g.pad_left, stride = g.stride_w;
  int64_t full_lo = 0, full_hi = 0;
  inside(g, row_start, g.out_w, full_lo, full_hi);
  for (int64_t j = 0; j < count;) {
    const int64_t run = std::min(count - j, g.out_w - ox);  // pixels left on this output row
    const int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
    float* segment = line + j;
    if (iy < 0 || iy >= g.in_h) {
      for (int64_t t = 0; t < run; ++t) segment[t] = 0.0f;
    } else {
      // Output t of the run reads input column ix0 + t * stride: the in-image part
      // [lo, hi) is copied without checks, the padding on either side zero-filled.
      const int64_t ix0 = row_start + ox * stride;
      int64_t lo = std::min(full_lo, run), hi = std::min(full_hi, run);
      if (ox != 0) inside(g, ix0, run, lo, hi);
      for (int64_t t = 0; t < lo; ++t) segment[t] = 0.0f;
      const float* from = source + iy * g.in_w + ix0 + lo * stride;
      float* to = segment + lo;
      if (stride == 1) {
        for (int64_t t = 0; t < hi - lo; ++t) to[t] = from[t];
      } else {
        gather(from, stride, hi - lo, to);
      }
      for (int64_t t = hi; t < run; ++t) segment[t] = 0.0f;
    }
    j += run;
    ox = 0;
    ++oy;
  }
}

}  // namespace

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void f32_pack_conv_patches(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr,
                           float* out) {
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
        fill_line(g, g.image + channel * plane, ky, kx, oy, ox, count, line);
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

// SPDX-License-Identifier: Apache-2.0
// The int8 implicit-GEMM patch packers of kernels/x8_conv_patches.h. The general one: for
// each group of four patch rows (the four consecutive k a vpdpbusd lane sums) it lays out
// a stretch of up to kLine columns of each row contiguously (kernels/conv_patch_rows.h,
// padding = the zero point), then interleaves the four lines into the panels' 4-byte groups
// (kernels/x8_interleave.h); rows beyond k are written as the zero point (they meet zero
// weights). The shifted-quads one copies each group's run of 4-byte pixels as it is.
#include "kernels/x8_conv_patches.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/thread_scratch.h"
#include "kernels/conv_patch_rows.h"
#include "kernels/x8_interleave.h"

namespace vigil::kernels {

using patch_rows::kLine;

void x8_pack_conv_patches(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out) {
  const U8ConvPatches& g = *static_cast<const U8ConvPatches*>(context);
  const int64_t taps = g.kernel_h * g.kernel_w, plane = g.in_h * g.in_w;
  const int64_t depth = g.channels * taps, groups = (depth + 3) / 4;
  const int64_t stretch = std::max<int64_t>(nr, kLine / nr * nr);
  const uint8_t flip = g.is_signed ? 0x80 : 0x00;
  const uint8_t pad = static_cast<uint8_t>(g.zero_point ^ flip);
  const bool direct = taps == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 && g.pad_left == 0 &&
                      g.in_h == g.out_h && g.in_w == g.out_w;
  alignas(64) uint8_t lines[4][kLine + 64];
  for (int64_t c0 = 0; c0 < cols; c0 += stretch) {
    const int64_t count = std::min(stretch, cols - c0);
    const int64_t oy = (col0 + c0) / g.out_w, ox = (col0 + c0) % g.out_w;
    uint8_t* panels = out + c0 / nr * groups * nr * 4;
    for (int64_t group = 0; group < groups; ++group) {
      // Rows as the input's bytes; the interleave flips an int8 input's sign bits.
      const uint8_t* rows[4];
      for (int q = 0; q < 4; ++q) {
        const int64_t p = group * 4 + q;
        if (p >= depth) {
          std::memset(lines[q], g.zero_point, static_cast<size_t>(count));
          rows[q] = lines[q];
          continue;
        }
        const int64_t channel = p / taps, ky = p % taps / g.kernel_w, kx = p % g.kernel_w;
        const uint8_t* source = g.image + channel * plane;
        if (direct) {
          rows[q] = source + col0 + c0;
          continue;
        }
        patch_rows::fill_line(g, source, ky, kx, oy, ox, count, g.zero_point, lines[q]);
        rows[q] = lines[q];
      }
      uint8_t* dst = panels + group * nr * 4;
      for (int64_t j0 = 0; j0 < count; j0 += nr, dst += groups * nr * 4) {
        const int64_t live = std::min<int64_t>(nr, count - j0);
        const uint8_t* const panel_rows[4] = {rows[0] + j0, rows[1] + j0, rows[2] + j0, rows[3] + j0};
        interleave_four_rows(panel_rows, live, flip, dst);
        std::memset(dst + 4 * live, pad, static_cast<size_t>(4 * (nr - live)));
      }
    }
  }
}

namespace {
ThreadScratch<ScratchVector<const uint8_t*>> group_sources;  // x8_pack_shifted_quads's
}  // namespace

void x8_pack_shifted_quads(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out) {
  const U8ShiftedQuads& g = *static_cast<const U8ShiftedQuads*>(context);
  const int64_t s = g.stride, plane = g.phase_h * g.phase_w;
  const int64_t groups = g.kernel_h * g.kernel_w * g.quad_count;
  // Each group's first source byte (column col0): its quad's phase plane at the tap's offset.
  std::vector<const uint8_t*>& sources = group_sources.mine().values;  // only grows
  sources.resize(static_cast<size_t>(groups));
  for (int64_t group = 0; group < groups; ++group) {
    const int64_t tap = group / g.quad_count, quad = group % g.quad_count;
    const int64_t ky = tap / g.kernel_w, kx = tap % g.kernel_w;
    const int64_t phase = (ky % s) * s + kx % s;
    sources[static_cast<size_t>(group)] =
        g.quads + ((quad * s * s + phase) * plane + (ky / s) * g.phase_w + kx / s + col0) * 4;
  }
  for (int64_t j0 = 0; j0 < cols; j0 += nr) {
    const int64_t live = std::min<int64_t>(nr, cols - j0);
    uint8_t* dst = out + j0 / nr * groups * nr * 4;
    for (int64_t group = 0; group < groups; ++group, dst += nr * 4) {
      std::memcpy(dst, sources[static_cast<size_t>(group)] + j0 * 4, static_cast<size_t>(4 * live));
      // Columns past the last: never stored, but written all the same.
      if (live < nr) std::memset(dst + 4 * live, 0, static_cast<size_t>(4 * (nr - live)));
    }
  }
}

}  // namespace vigil::kernels

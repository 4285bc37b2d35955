// SPDX-License-Identifier: Apache-2.0
// Winograd F(m x m, 3x3) convolution for Conv (3x3, stride 1, dilation 1, one group),
// m = 2 or 4 (kernels/f32_winograd.h). At creation every filter is transformed and the
// alpha^2 matrices U_p (M x C) are packed for the GEMM. A run walks blocks of output tiles
// (one block per thread at a time): gather each channel's alpha x alpha input tiles (zeros
// in the padding) and transform them to V_p (C x tiles), multiply M_p = U_p V_p for every
// transform point p with f32_gemm, then transform back per output channel and store the
// visible part with bias, residual and activation. Blocks are sized by kBlockBudget.
#include <algorithm>

#include <omp.h>

#include "kernels/f32_gemm.h"
#include "kernels/gemm_check.h"
#include "kernels/f32_winograd.h"
#include "ops/conv_internal.h"

namespace vigil {

namespace {

// Floats of V and M per block (4 MiB, beyond L2): fewer, wider blocks re-read the
// transformed weights less often and give the GEMM more columns; measured 12% (56x56) and
// 26% (28x28) faster than blocks kept within 1 MiB.
constexpr int64_t kBlockBudget = 1024 * 1024;

class WinogradConv final : public ConvAlgorithm {
 public:
  WinogradConv(const Conv2dShape& layer, const float* weights, int m)
      : m_(m), alpha_(kernels::winograd_alpha(m)), kernels_(kernels::f32_winograd_kernels(m)) {
    const int64_t points = alpha_ * alpha_, rows = layer.out_channels, depth = layer.channels;
    std::vector<float> u(static_cast<size_t>(points * rows * depth));  // [point][out][in]
    float tile[36];
    for (int64_t o = 0; o < rows; ++o)
      for (int64_t c = 0; c < depth; ++c) {
        kernels::f32_winograd_filter(m, weights + (o * depth + c) * 9, tile);
        for (int64_t p = 0; p < points; ++p) u[(p * rows + o) * depth + c] = tile[p];
      }
    for (int64_t p = 0; p < points; ++p)
      packed_.emplace_back(rows, depth, kernels::F32Matrix{u.data() + p * rows * depth, depth});
  }

  std::string name() const override {
    return std::string(m_ == 2 ? "winograd_f2x2_3x3 " : "winograd_f4x4_3x3 ") + kernels_.name + " + " +
           kernels::f32_gemm_kernel_name(packed_[0].isa());
  }

  // How a run divides the tiles. Enough tiles: blocks that keep V and M within the budget,
  // a multiple of 16 (the GEMM's panel width) where possible, their count a multiple of
  // the threads, one block per thread at a time. Few tiles (deep 7x7 layers): the threads
  // share each block, splitting its channels, transform points and output channels, in
  // one parallel region (a barrier between the three steps; no region per GEMM).
  struct Split {
    int64_t block = 16;
    bool shared = false;
  };
  Split split(const Conv2dShape& s, int threads) const {
    const int64_t tiles = tiles_h(s) * tiles_w(s);
    Split result;
    result.block = std::max<int64_t>(kBlockBudget / (alpha_ * alpha_ * (s.channels + s.out_channels)) / 16 * 16, 16);
    if (threads > 1 && tiles < 32 * threads) {
      result.shared = true;
      result.block = std::min(result.block, tiles);
      return result;
    }
    int64_t blocks = (tiles + result.block - 1) / result.block;
    blocks = (blocks + threads - 1) / threads * threads;
    result.block = (tiles + blocks - 1) / blocks;
    return result;
  }

  // Scratch: V and M of a block, and d (one channel's tiles, then the gather's padded
  // rows), per thread; shared blocks keep one V and M.
  size_t scratch_floats(const Conv2dShape& s, int threads) const override {
    const Split plan = split(s, threads);
    const int64_t vm = products_floats(s, plan.block), d = tile_floats(s, plan.block);
    return static_cast<size_t>(plan.shared ? vm + threads * d : threads * (vm + d));
  }

  void run(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float* scratch,
           int threads) const override {
    const Split plan = split(s, threads);
    const int64_t block = plan.block, tiles = tiles_h(s) * tiles_w(s);
    const int64_t blocks = (tiles + block - 1) / block, units = s.batch * blocks;
    const int64_t vm = products_floats(s, block), d = tile_floats(s, block);
    const kernels::GemmThreadContext gemm_context = kernels::gemm_thread_context();  // the caller's, for every thread
    auto work = [&](int thread, int team) {
      const kernels::GemmThreadScope context(gemm_context);
      auto unit_run = [&](int64_t unit, float* buffers, float* tile_buffer, int part, int parts) {
        const int64_t n = unit / blocks, t0 = (unit % blocks) * block;
        run_block(s, x + n * s.channels * s.in_plane(), e, n, t0, std::min(block, tiles - t0),
                  y + n * s.out_channels * s.out_plane(), buffers, tile_buffer, part, parts);
      };
      if (plan.shared) {
        for (int64_t unit = 0; unit < units; ++unit) unit_run(unit, scratch, scratch + vm + thread * d, thread, team);
      } else {
        float* mine = scratch + thread * (vm + d);
#pragma omp for schedule(static)
        for (int64_t unit = 0; unit < units; ++unit) unit_run(unit, mine, mine + vm, 0, 1);
      }
    };
    // Not even a one-thread parallel region: libgomp allocates a team for each.
    if (threads > 1 && (plan.shared || units > 1)) {
#pragma omp parallel num_threads(threads)
      work(omp_get_thread_num(), omp_get_num_threads());
    } else {
      work(0, 1);
    }
  }

 private:
  int64_t tiles_h(const Conv2dShape& s) const { return (s.out_h + m_ - 1) / m_; }
  int64_t tiles_w(const Conv2dShape& s) const { return (s.out_w + m_ - 1) / m_; }
  // The transform points' matrices lie kPointSkew floats more than their size apart: at
  // power-of-two sizes (256 channels x 16 tiles) the transforms' alpha^2 loads and stores,
  // one per point, would otherwise all map to the same L1 set.
  static constexpr int64_t kPointSkew = 16;
  int64_t products_floats(const Conv2dShape& s, int64_t block) const {
    return alpha_ * alpha_ * (block * (s.channels + s.out_channels) + 2 * kPointSkew);
  }
  int64_t tile_floats(const Conv2dShape& s, int64_t block) const {
    return alpha_ * alpha_ * block + kernels::f32_winograd_rows_floats(m_, s.out_h, s.out_w);
  }

  // Tiles [t0, t0 + count) of image n, by member `part` of `parts` threads sharing the
  // block (each takes every parts-th channel, point and output channel). `buffers` holds V
  // then M; d (points x count) is one channel's gathered tiles and, later, one output
  // channel's transformed tiles; the gather's padded rows follow it.
  void run_block(const Conv2dShape& s, const float* image, const ConvEpilogue& e, int64_t n, int64_t t0, int64_t count,
                 float* out, float* buffers, float* d, int part, int parts) const {
    const int64_t points = alpha_ * alpha_, C = s.channels, M = s.out_channels;
    float* v = buffers;  // [point][channel][tile]
    const int64_t v_ld = C * count + kPointSkew, m_ld = M * count + kPointSkew;
    float* mm = v + points * v_ld;  // [point][out channel][tile]
    const kernels::WinogradPlane geometry{s.in_h, s.in_w, s.pad_top, s.pad_left, s.out_h, s.out_w};
    float* rows = d + points * count;
    for (int64_t c = part; c < C; c += parts) {
      kernels_.gather(geometry, image + c * s.in_plane(), t0, count, d, rows);
      kernels_.input(d, count, count, v + c * count, v_ld);
    }
    if (parts > 1) {
#pragma omp barrier
    }
    for (int64_t p = part; p < points; p += parts) {
      kernels::F32GemmA a;
      a.packed = &packed_[static_cast<size_t>(p)];
      kernels::F32GemmB b;
      b.matrix = {v + p * v_ld, count};
      kernels::f32_gemm(M, count, C, a, b, mm + p * m_ld, count, {}, 1);
    }
    if (parts > 1) {
#pragma omp barrier
    }
    kernels::WinogradEpilogue epilogue;
    epilogue.activation = e.activation;
    for (int64_t o = part; o < M; o += parts) {
      kernels_.output(mm + o * count, m_ld, count, d, count);
      epilogue.bias = e.bias ? e.bias[o] : 0.0f;
      epilogue.residual = e.residual ? e.residual + (n * M + o) * s.out_plane() : nullptr;
      kernels_.scatter(geometry, d, t0, count, epilogue, out + o * s.out_plane());
    }
  }

  int m_, alpha_;
  kernels::F32WinogradKernels kernels_;
  std::vector<kernels::F32PackedA> packed_;  // per transform point: U_p, M x C
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_winograd_conv(const Conv2dShape& layer, const float* weights, int tile) {
  return std::make_unique<WinogradConv>(layer, weights, tile);
}

// Measured on resnet layer shapes (docs/kernels.md): with 32 or more input and output
// channels Winograd beats implicit GEMM at every size from 56x56 to 7x7; F(4x4) wins
// while the image gives enough tiles (14x14 and up), F(2x2) below that. Without a
// declared input size, channel count stands in: ImageNet networks reach 512 channels at
// 7x7.
bool winograd_pays(const Conv2dShape& layer) { return layer.channels >= 32 && layer.out_channels >= 32; }
int winograd_tile(const Conv2dShape& layer) {
  if (layer.in_h > 0 && layer.in_w > 0) return std::min(layer.in_h, layer.in_w) >= 14 ? 4 : 2;
  return layer.channels <= 256 ? 4 : 2;
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Winograd F(m x m, 3x3) convolution for Conv (3x3, stride 1, dilation 1, one group),
// m = 2 or 4 (kernels/f32_winograd.h). At creation every filter is transformed and the
// alpha^2 matrices U_p (M x C) are packed for the GEMM. A run walks blocks of output tiles
// (one block per thread at a time): gather each channel's alpha x alpha input tiles (zeros
// in the padding) and transform them to V_p (C x tiles), multiply M_p = U_p V_p for every
// transform point p with f32_gemm, then transform back per output channel and store the
// visible part with bias, residual and activation. Blocks are sized by kBlockBudget.
#include <algorithm>

#include "core/memory_budget.h"
#include "core/thread_pool.h"
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
    // [point][out][in]: a budgeted block, not zeroed first since every element is written
    // (ResNet-50's Winograd layers transform 90 MB of weights).
    const std::shared_ptr<std::byte> block =
        allocate_block(static_cast<size_t>(points * rows * depth) * sizeof(float), "Winograd's transformed weights");
    float* u = reinterpret_cast<float*>(block.get());
    float tile[36];
    for (int64_t o = 0; o < rows; ++o)
      for (int64_t c = 0; c < depth; ++c) {
        kernels::f32_winograd_filter(m, weights + (o * depth + c) * 9, tile);
        for (int64_t p = 0; p < points; ++p) u[(p * rows + o) * depth + c] = tile[p];
      }
    for (int64_t p = 0; p < points; ++p)
      packed_.emplace_back(rows, depth, kernels::F32Matrix{u + p * rows * depth, depth});
  }

  int64_t row_block() const override { return m_; }

  std::string name() const override {
    return std::string(m_ == 2 ? "winograd_f2x2_3x3 " : "winograd_f4x4_3x3 ") + kernels_.name + " + " +
           kernels::f32_gemm_kernel_name(packed_[0].isa());
  }

  // How a run divides the tiles. Enough tiles: blocks that keep V and M within the budget,
  // a multiple of 16 (the GEMM's panel width) where possible, their count a multiple of
  // the threads, one block per thread at a time. Few tiles (deep 7x7 layers): the threads
  // share each block, splitting its channels, then its transform points, then its output
  // channels (three parallel loops per block; no loop per GEMM).
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
    auto block_of = [&](int64_t unit, float* buffers) {
      const int64_t n = unit / blocks, t0 = (unit % blocks) * block;
      return Block{x + n * s.channels * s.in_plane(), y + n * s.out_channels * s.out_plane(), n, t0,
                   std::min(block, tiles - t0), buffers};
    };
    if (plan.shared) {
      for (int64_t unit = 0; unit < units; ++unit) {
        const Block b = block_of(unit, scratch);
        parallel_ranges(s.channels, threads, [&](int64_t first, int64_t last) {
          transform_inputs(s, b, first, last, scratch + vm + parallel_worker() * d);
        });
        parallel_ranges(alpha_ * alpha_, threads, [&](int64_t first, int64_t last) {
          const kernels::GemmThreadScope context(gemm_context);
          multiply(s, b, first, last);
        });
        parallel_ranges(s.out_channels, threads, [&](int64_t first, int64_t last) {
          transform_outputs(s, b, e, first, last, scratch + vm + parallel_worker() * d);
        });
      }
      return;
    }
    parallel_for(units, threads, [&](int64_t unit) {
      const kernels::GemmThreadScope context(gemm_context);
      float* mine = scratch + parallel_worker() * (vm + d);
      const Block b = block_of(unit, mine);
      transform_inputs(s, b, 0, s.channels, mine + vm);
      multiply(s, b, 0, alpha_ * alpha_);
      transform_outputs(s, b, e, 0, s.out_channels, mine + vm);
    });
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

  // Tiles [t0, t0 + count) of image n. `buffers` holds V then M; the scratch d of a step
  // (points x count) is one channel's gathered tiles and, later, one output channel's
  // transformed tiles; the gather's padded rows follow it.
  struct Block {
    const float* image;
    float* out;
    int64_t n, t0, count;
    float* buffers;
  };
  int64_t v_ld(const Conv2dShape& s, const Block& b) const { return s.channels * b.count + kPointSkew; }
  float* v_of(const Block& b) const { return b.buffers; }  // [point][channel][tile]
  float* m_of(const Conv2dShape& s, const Block& b) const {  // [point][out channel][tile]
    return b.buffers + alpha_ * alpha_ * v_ld(s, b);
  }
  int64_t m_ld(const Conv2dShape& s, const Block& b) const { return s.out_channels * b.count + kPointSkew; }
  kernels::WinogradPlane geometry(const Conv2dShape& s) const {
    return {s.in_h, s.in_w, s.pad_top, s.pad_left, s.out_h, s.out_w};
  }

  // Channels [first, last): gathered and transformed into V.
  void transform_inputs(const Conv2dShape& s, const Block& b, int64_t first, int64_t last, float* d) const {
    float* v = v_of(b);
    float* rows = d + alpha_ * alpha_ * b.count;
    for (int64_t c = first; c < last; ++c) {
      kernels_.gather(geometry(s), b.image + c * s.in_plane(), b.t0, b.count, d, rows);
      kernels_.input(d, b.count, b.count, v + c * b.count, v_ld(s, b));
    }
  }

  // Transform points [first, last): M_p = U_p V_p.
  void multiply(const Conv2dShape& s, const Block& b, int64_t first, int64_t last) const {
    for (int64_t p = first; p < last; ++p) {
      kernels::F32GemmA a;
      a.packed = &packed_[static_cast<size_t>(p)];
      kernels::F32GemmB operand;
      operand.matrix = {v_of(b) + p * v_ld(s, b), b.count};
      kernels::f32_gemm(s.out_channels, b.count, s.channels, a, operand, m_of(s, b) + p * m_ld(s, b), b.count, {}, 1);
    }
  }

  // Output channels [first, last): transformed back and stored with the epilogue.
  void transform_outputs(const Conv2dShape& s, const Block& b, const ConvEpilogue& e, int64_t first, int64_t last,
                         float* d) const {
    kernels::WinogradEpilogue epilogue;
    epilogue.activation = e.activation;
    for (int64_t o = first; o < last; ++o) {
      kernels_.output(m_of(s, b) + o * b.count, m_ld(s, b), b.count, d, b.count);
      epilogue.bias = e.bias ? e.bias[o] : 0.0f;
      epilogue.residual = e.residual ? e.residual + (b.n * s.out_channels + o) * s.out_plane() : nullptr;
      kernels_.scatter(geometry(s), d, b.t0, b.count, epilogue, b.out + o * s.out_plane());
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
// channels Winograd beats implicit GEMM from 56x56 down to 14x14; F(4x4) wins while the
// image gives enough tiles (14x14 and up), F(2x2) below that. At 7x7 (16 tiles) it wins
// with the AVX2 GEMM, but the AVX-512 GEMM runs the transposed implicit GEMM faster:
// ResNet-50's 512 -> 512 layers took 1.9 ms against 2.3 ms on one thread, 1.3 ms
// against 1.8 ms on two (AMD Zen 5). Without a declared input size, channel count stands
// in: ImageNet networks reach 512 channels at 7x7.
bool winograd_pays(const Conv2dShape& layer) {
  const bool small_map =
      layer.in_h > 0 && layer.in_w > 0 ? std::min(layer.in_h, layer.in_w) < 14 : layer.channels > 256;
  const bool narrow_gemm_wins = small_map && active_isa() == Isa::Avx512;
  return layer.channels >= 32 && layer.out_channels >= 32 && !narrow_gemm_wins;
}
int winograd_tile(const Conv2dShape& layer) {
  if (layer.in_h > 0 && layer.in_w > 0) return std::min(layer.in_h, layer.in_w) >= 14 ? 4 : 2;
  return layer.channels <= 256 ? 4 : 2;
}

}  // namespace vigil

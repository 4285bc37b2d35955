// SPDX-License-Identifier: Apache-2.0
// The GEMM convolutions of Conv: per (image, group), Y (M/g x out_h*out_w) = W (M/g x
// C/g*kh*kw) * patches on the f32 GEMM, with the weights packed once at creation and bias,
// residual and activation in the GEMM's epilogue. The patches go straight into the GEMM's
// B panels (kernels/f32_conv_patches.h), so no im2col buffer exists; for a 1x1 kernel at
// unit stride without padding the packer copies the input planes as they are.
//
// A layer with one group on a small map (7x7: 49 pixels, a third of the last 32-wide panel
// wasted) computes the transposed product instead, Y^T (pixels x M) = P^T (pixels x
// C*kh*kw) * W^T, with the weights as the packed B: the pixels then fill MR-high row
// panels (49 of 56 live) and the output channels fill NR-wide panels exactly. P is the
// input itself for a plain 1x1 layer and the patches gathered into scratch otherwise. The
// result goes to scratch and is transposed into Y, the residual and activation applied on
// the way.
#include <algorithm>

#include "core/thread_pool.h"
#include "kernels/f32_conv_patches.h"
#include "kernels/f32_gemm.h"
#include "kernels/unary.h"
#include "ops/conv_internal.h"

namespace vigil {

namespace {

// Whether a layer computes the transposed product (above): output maps of at most this
// many pixels (measured on mobilenet_v2's and ResNet-50's 7x7 layers; docs/kernels.md,
// "Convolution").
constexpr int64_t kTransposedMaxPixels = 64;

// The output pixels a layer's declared input map gives, about (padding is not known at
// creation); 0 where the model declares no map.
int64_t declared_output_pixels(const Conv2dShape& layer) {
  const auto out = [](int64_t in, int64_t stride) { return (in + stride - 1) / stride; };
  return out(layer.in_h, layer.stride_h) * out(layer.in_w, layer.stride_w);
}

class GemmConv final : public ConvAlgorithm {
 public:
  GemmConv(const Conv2dShape& layer, const float* weights) : pointwise_(layer.kernel_h == 1 && layer.kernel_w == 1) {
    const int64_t rows = layer.out_channels / layer.group;
    const int64_t depth = layer.channels / layer.group * layer.kernel_h * layer.kernel_w;
    for (int64_t g = 0; g < layer.group; ++g)
      packed_.emplace_back(rows, depth, kernels::F32Matrix{weights + g * rows * depth, depth});
    // W^T (depth x rows) for the transposed product, when the declared map is small.
    const int64_t pixels = declared_output_pixels(layer);
    if (layer.group == 1 && pixels > 0 && pixels <= kTransposedMaxPixels)
      transposed_ = kernels::F32PackedB(depth, rows, kernels::F32Matrix{weights, depth, true});
  }

  std::string name() const override {
    if (!transposed_.empty())
      return std::string(pointwise_ ? "gemm_1x1_transposed " : "implicit_gemm_transposed ") +
             kernels::f32_gemm_kernel_name(transposed_.isa());
    return std::string(pointwise_ ? "gemm_1x1 " : "implicit_gemm ") + kernels::f32_gemm_kernel_name(packed_[0].isa());
  }

  // The transposed product's output, then the patches where the input is not P itself.
  size_t scratch_floats(const Conv2dShape& s, int) const override {
    if (!transposes(s)) return 0;
    const int64_t patches = plain_matrix(s) ? 0 : s.channels * s.kernel_h * s.kernel_w * s.out_plane();
    return static_cast<size_t>(s.out_plane() * s.out_channels + patches);
  }

  void run(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float* scratch,
           int threads) const override {
    if (transposes(s)) return run_transposed(s, x, e, y, scratch, threads);
    const int64_t rows = s.out_channels / s.group, channels = s.channels / s.group;
    const int64_t depth = channels * s.kernel_h * s.kernel_w, pixels = s.out_plane();
    for (int64_t n = 0; n < s.batch; ++n) {
      for (int64_t g = 0; g < s.group; ++g) {
        const float* image = x + (n * s.channels + g * channels) * s.in_plane();
        const int64_t out_offset = (n * s.out_channels + g * rows) * pixels;
        kernels::F32ConvPatches patches{image,        s.in_h,     s.in_w,     s.out_h,    s.out_w,
                                        s.kernel_h,   s.kernel_w, s.stride_h, s.stride_w, s.dilation_h,
                                        s.dilation_w, s.pad_top,  s.pad_left};
        kernels::F32GemmB b;
        if (plain_matrix(s)) {
          b.matrix = kernels::F32Matrix{image, pixels};  // the GEMM packs it or reads it in place
        } else {
          b.packer = kernels::f32_conv_patch_packer(patches);
        }
        kernels::Epilogue epilogue;
        epilogue.bias = e.bias ? e.bias + g * rows : nullptr;
        epilogue.residual = e.residual ? e.residual + out_offset : nullptr;
        epilogue.residual_ld = pixels;
        epilogue.activation = e.activation;
        kernels::F32GemmA a;
        a.packed = &packed_[static_cast<size_t>(g)];
        kernels::f32_gemm(rows, pixels, depth, a, b, y + out_offset, pixels, epilogue, threads);
      }
    }
  }

 private:
  // A 1x1 layer at unit stride without padding reads a (channels x pixels) matrix.
  bool plain_matrix(const Conv2dShape& s) const {
    return pointwise_ && s.stride_h == 1 && s.stride_w == 1 && s.pad_top == 0 && s.pad_left == 0 && s.out_h == s.in_h &&
           s.out_w == s.in_w;
  }
  // The declared map decides, not the planned one: a box of rows and columns
  // (runtime/spatial_box.h) then takes the same product as the whole map, and so gives the
  // same bits.
  bool transposes(const Conv2dShape&) const { return !transposed_.empty(); }

  void run_transposed(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float* scratch,
                      int threads) const {
    const int64_t rows = s.out_channels, pixels = s.out_plane();
    const int64_t depth = s.channels * s.kernel_h * s.kernel_w;
    const bool clamp_in_gemm = !e.residual;
    float* patch_rows = scratch + pixels * rows;  // P (depth x pixels), where gathered
    for (int64_t n = 0; n < s.batch; ++n) {
      const float* image = x + n * s.channels * s.in_plane();
      kernels::F32GemmA a;
      a.matrix = kernels::F32Matrix{image, pixels, true};  // P^T
      if (!plain_matrix(s)) {
        const kernels::F32ConvPatches patches{image,        s.in_h,     s.in_w,     s.out_h,    s.out_w,
                                              s.kernel_h,   s.kernel_w, s.stride_h, s.stride_w, s.dilation_h,
                                              s.dilation_w, s.pad_top,  s.pad_left};
        // One panel as wide as the map is P itself, row after row.
        parallel_ranges(depth, threads, [&](int64_t begin, int64_t end) {
          kernels::f32_pack_conv_patches(&patches, begin, end - begin, 0, pixels, static_cast<int>(pixels),
                                         patch_rows + begin * pixels);
        });
        a.matrix.data = patch_rows;
      }
      kernels::F32GemmB b;
      b.packed = &transposed_;
      kernels::Epilogue epilogue;
      epilogue.bias = e.bias;
      epilogue.bias_per_column = true;
      if (clamp_in_gemm) epilogue.activation = e.activation;
      kernels::f32_gemm(pixels, rows, depth, a, b, scratch, rows, epilogue, threads);
      transpose_into(scratch, rows, pixels, e.activation, y + n * rows * pixels,
                     e.residual ? e.residual + n * rows * pixels : nullptr, threads);
    }
  }

  // Y = the transposed product (pixels x rows) turned around; with a residual, plus it and
  // then the activation (without, the GEMM applied it). Blocks of 16 channels read whole
  // cache lines of the product.
  static void transpose_into(const float* product, int64_t rows, int64_t pixels,
                             const kernels::ActivationSpec& activation, float* out, const float* residual,
                             int threads) {
    constexpr int64_t kBlock = 16;
    parallel_ranges((rows + kBlock - 1) / kBlock, threads, [&](int64_t first, int64_t last) {
      for (int64_t m0 = first * kBlock; m0 < std::min(rows, last * kBlock); m0 += kBlock) {
        const int64_t count = std::min(kBlock, rows - m0);
        for (int64_t p = 0; p < pixels; ++p) {
          const float* from = product + p * rows + m0;
          for (int64_t i = 0; i < count; ++i) out[(m0 + i) * pixels + p] = from[i];
        }
        if (!residual) continue;
        for (int64_t m = m0; m < m0 + count; ++m) {
          float* row = out + m * pixels;
          for (int64_t p = 0; p < pixels; ++p) row[p] += residual[m * pixels + p];
          if (activation.kind != kernels::Activation::None) kernels::f32_activation(activation, pixels, row, row);
        }
      }
    });
  }

  bool pointwise_;
  std::vector<kernels::F32PackedA> packed_;  // one per group
  kernels::F32PackedB transposed_;           // W^T, for layers on small maps
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_gemm_conv(const Conv2dShape& layer, const float* weights) {
  return std::make_unique<GemmConv>(layer, weights);
}

}  // namespace vigil

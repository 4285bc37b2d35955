// SPDX-License-Identifier: Apache-2.0
// The GEMM convolutions of Conv: per (image, group), Y (M/g x out_h*out_w) = W (M/g x
// C/g*kh*kw) * patches on the f32 GEMM, with the weights packed once at creation and bias,
// residual and activation in the GEMM's epilogue. The patches go straight into the GEMM's
// B panels (kernels/f32_conv_patches.h), so no im2col buffer exists; for a 1x1 kernel at
// unit stride without padding the packer copies the input planes as they are.
//
// A 1x1 layer on a small map (7x7: 49 pixels, a third of the last 16-wide panel wasted)
// computes the transposed product instead, Y^T (pixels x M) = X^T (pixels x C) * W^T, with
// the weights as the packed B: the pixels then fill MR-high row panels (49 of 54 live) and
// the output channels fill NR-wide panels exactly. The result goes to scratch and is
// transposed into Y, the residual and activation applied on the way.
#include <algorithm>

#include "kernels/f32_conv_patches.h"
#include "kernels/f32_gemm.h"
#include "kernels/unary.h"
#include "ops/conv_internal.h"

namespace vigil {

namespace {

// Whether a 1x1 layer computes the transposed product (above): maps of at most this many
// pixels (measured on mobilenet_v2's 7x7 layers; docs/kernels.md, "Convolution").
constexpr int64_t kTransposedMaxPixels = 64;

bool plain_pointwise(const Conv2dShape& s) {
  return s.kernel_h == 1 && s.kernel_w == 1 && s.stride_h == 1 && s.stride_w == 1 && s.group == 1;
}

class GemmConv final : public ConvAlgorithm {
 public:
  GemmConv(const Conv2dShape& layer, const float* weights) : pointwise_(layer.kernel_h == 1 && layer.kernel_w == 1) {
    const int64_t rows = layer.out_channels / layer.group;
    const int64_t depth = layer.channels / layer.group * layer.kernel_h * layer.kernel_w;
    for (int64_t g = 0; g < layer.group; ++g)
      packed_.emplace_back(rows, depth, kernels::F32Matrix{weights + g * rows * depth, depth});
    // W^T (depth x rows) for the transposed product, when the declared map is small.
    const int64_t pixels = layer.in_h * layer.in_w;  // the output's too, at stride 1 without padding
    if (plain_pointwise(layer) && pixels > 0 && pixels <= kTransposedMaxPixels)
      transposed_ = kernels::F32PackedB(depth, rows, kernels::F32Matrix{weights, depth, true});
  }

  std::string name() const override {
    if (!transposed_.empty())
      return std::string("gemm_1x1_transposed ") + kernels::f32_gemm_kernel_name(transposed_.isa());
    return std::string(pointwise_ ? "gemm_1x1 " : "implicit_gemm ") + kernels::f32_gemm_kernel_name(packed_[0].isa());
  }

  size_t scratch_floats(const Conv2dShape& s, int) const override {
    return transposes(s) ? static_cast<size_t>(s.out_plane() * s.out_channels) : 0;
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
  // The planned map is the small one the transposed weights were made for (any pixel count
  // up to the limit is fine; padding or a larger map takes the direct product).
  bool transposes(const Conv2dShape& s) const {
    return !transposed_.empty() && plain_pointwise(s) && s.pad_top == 0 && s.pad_left == 0 && s.out_h == s.in_h &&
           s.out_w == s.in_w && s.out_plane() <= kTransposedMaxPixels;
  }

  void run_transposed(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float* scratch,
                      int threads) const {
    const int64_t rows = s.out_channels, depth = s.channels, pixels = s.out_plane();
    const bool clamp_in_gemm = !e.residual;
    for (int64_t n = 0; n < s.batch; ++n) {
      kernels::F32GemmA a;
      a.matrix = kernels::F32Matrix{x + n * depth * pixels, pixels, true};  // X^T
      kernels::F32GemmB b;
      b.packed = &transposed_;
      kernels::Epilogue epilogue;
      epilogue.bias = e.bias;
      epilogue.bias_per_column = true;
      if (clamp_in_gemm) epilogue.activation = e.activation;
      kernels::f32_gemm(pixels, rows, depth, a, b, scratch, rows, epilogue, threads);
      float* out = y + n * rows * pixels;
      const float* residual = e.residual ? e.residual + n * rows * pixels : nullptr;
      for (int64_t m = 0; m < rows; ++m) {
        float* row = out + m * pixels;
        for (int64_t p = 0; p < pixels; ++p) row[p] = scratch[p * rows + m];
        if (!residual) continue;
        for (int64_t p = 0; p < pixels; ++p) row[p] += residual[m * pixels + p];
        if (e.activation.kind != kernels::Activation::None) kernels::f32_activation(e.activation, pixels, row, row);
      }
    }
  }

  bool pointwise_;
  std::vector<kernels::F32PackedA> packed_;  // one per group
  kernels::F32PackedB transposed_;           // W^T, for 1x1 layers on small maps
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_gemm_conv(const Conv2dShape& layer, const float* weights) {
  return std::make_unique<GemmConv>(layer, weights);
}

}  // namespace vigil

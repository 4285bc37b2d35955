// The GEMM convolutions of Conv: per (image, group), Y (M/g x out_h*out_w) = W (M/g x
// C/g*kh*kw) * patches on the f32 GEMM, with the weights packed once at creation and bias,
// residual and activation in the GEMM's epilogue. The patches go straight into the GEMM's
// B panels (kernels/f32_conv_patches.h), so no im2col buffer exists; for a 1x1 kernel at
// unit stride without padding the packer copies the input planes as they are.
#include <algorithm>

#include "kernels/f32_conv_patches.h"
#include "kernels/f32_gemm.h"
#include "ops/conv_internal.h"

namespace vigil {

namespace {

class GemmConv final : public ConvAlgorithm {
 public:
  GemmConv(const Conv2dShape& layer, const float* weights) : pointwise_(layer.kernel_h == 1 && layer.kernel_w == 1) {
    const int64_t rows = layer.out_channels / layer.group;
    const int64_t depth = layer.channels / layer.group * layer.kernel_h * layer.kernel_w;
    for (int64_t g = 0; g < layer.group; ++g) packed_.emplace_back(rows, depth, kernels::F32Matrix{weights + g * rows * depth, depth});
  }

  std::string name() const override {
    return std::string(pointwise_ ? "gemm_1x1 " : "implicit_gemm ") + kernels::f32_gemm_kernel_name(packed_[0].isa());
  }

  void run(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float*, int threads) const override {
    const int64_t rows = s.out_channels / s.group, channels = s.channels / s.group;
    const int64_t depth = channels * s.kernel_h * s.kernel_w, pixels = s.out_plane();
    for (int64_t n = 0; n < s.batch; ++n) {
      for (int64_t g = 0; g < s.group; ++g) {
        const float* image = x + (n * s.channels + g * channels) * s.in_plane();
        const int64_t out_offset = (n * s.out_channels + g * rows) * pixels;
        kernels::F32ConvPatches patches{image,        s.in_h,       s.in_w,       s.out_h,        s.out_w,
                                        s.kernel_h,   s.kernel_w,   s.stride_h,   s.stride_w,     s.dilation_h,
                                        s.dilation_w, s.pad_top,    s.pad_left};
        kernels::F32GemmB b;
        b.packer = kernels::f32_conv_patch_packer(patches);
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
  bool pointwise_;
  std::vector<kernels::F32PackedA> packed_;  // one per group
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_gemm_conv(const Conv2dShape& layer, const float* weights) {
  return std::make_unique<GemmConv>(layer, weights);
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Implicit GEMM for 2-D convolution: the patches of one image (channels x height x width)
// gathered straight into the f32 GEMM's NR-wide B panels (an F32BPacker), so that
// Y (M x out_h*out_w) = W (M x C*kh*kw) * patches needs no separate im2col buffer. Row p of
// the virtual patch matrix is (channel, ky, kx) in the weights' order; column j is output
// pixel (j / out_w, j % out_w). Zeros where a window lies in the padding. The Conv
// operator (ops/conv_gemm.cc) builds one context per image and group.
#pragma once

#include <cstdint>

#include "kernels/f32_gemm.h"

namespace vigil::kernels {

struct F32ConvPatches {
  const float* image = nullptr;  // channels x in_h x in_w
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// The F32BPacker function; `context` is an F32ConvPatches.
void f32_pack_conv_patches(const void* context, int64_t p0, int64_t depth, int64_t col0, int64_t cols, int nr,
                           float* out);

inline F32BPacker f32_conv_patch_packer(const F32ConvPatches& patches) { return {f32_pack_conv_patches, &patches}; }

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// Depthwise 2-D convolution (group == channels == output channels): one filter per
// channel plane, computed directly (no GEMM: each output needs only kh*kw products). The
// kernels work on one plane; the Conv operator (ops/conv_depthwise.cc) spreads channels
// over threads. The scalar reference handles every geometry; the AVX2 and AVX-512 paths
// specialise 3x3 and 5x5 at strides 1 and 2 (dilation 1), vectorised over the output
// width, and return no kernel for other shapes (the reference then runs). Padding is
// exact: taps outside the image are skipped, never read. The epilogue (bias, residual,
// clamp) is applied before the store; other activations are the caller's.
#pragma once

#include <cstdint>

#include "core/cpu_features.h"
#include "kernels/kernel_registry.h"

namespace vigil::kernels {

struct F32DwConvGeometry {
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
};

struct F32DwConvEpilogue {
  float bias = 0.0f;
  const float* residual = nullptr;                            // out_h x out_w, added after the bias
  float lower = -__builtin_inff(), upper = __builtin_inff();  // the clamp (Relu, Clip)
};

// One plane: y (out_h x out_w) from x (in_h x in_w) and w (kernel_h x kernel_w).
using F32DwConvFunction = void (*)(const F32DwConvGeometry& g, const float* x, const float* w,
                                   const F32DwConvEpilogue& e, float* y);

struct F32DwConvKernel {
  const char* name = nullptr;  // e.g. "f32_dwconv_3x3s2__avx2"
  F32DwConvFunction run = nullptr;
};

// The reference, any geometry.
void f32_dwconv__scalar(const F32DwConvGeometry& g, const float* x, const float* w, const F32DwConvEpilogue& e,
                        float* y);

// The specialised kernel of one path for `g`, or an empty kernel.
F32DwConvKernel f32_dwconv_select__avx2(const F32DwConvGeometry& g);
F32DwConvKernel f32_dwconv_select__avx512(const F32DwConvGeometry& g);

// One instruction-set path of depthwise kernels: `select` gives its kernel for a
// geometry, or an empty one where it has none (the scalar path has the reference for all).
struct F32DwConvPath {
  const char* name;
  CpuFeatures needs;
  F32DwConvKernel (*select)(const F32DwConvGeometry& g);
};
// f32_dwconv__scalar, f32_dwconv__avx2, f32_dwconv__avx512.
const KernelRegistry<F32DwConvPath>& f32_dwconv_paths();

// The best kernel of path `isa` for `g` (the reference when no vector kernel fits).
F32DwConvKernel f32_dwconv_kernel(const F32DwConvGeometry& g, Isa isa = active_isa());

}  // namespace vigil::kernels

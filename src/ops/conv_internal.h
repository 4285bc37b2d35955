// SPDX-License-Identifier: Apache-2.0
// Shared by the convolution family files: conv.cc registers the family, defines Conv and
// FusedConv and picks an algorithm per layer; conv_gemm.cc (1x1 and implicit GEMM),
// conv_depthwise.cc and conv_winograd.cc are the fast float32 2-D algorithms;
// conv_transpose.cc defines ConvTranspose.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "kernels/epilogue.h"
#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_conv_transpose(const OpCreateInfo& info);

// One 2-D convolution, resolved for an input shape: NCHW input, M x C/group x kh x kw weights.
struct Conv2dShape {
  int64_t batch = 1, channels = 1, in_h = 1, in_w = 1;
  int64_t out_channels = 1, out_h = 1, out_w = 1, group = 1;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;

  int64_t in_plane() const { return in_h * in_w; }
  int64_t out_plane() const { return out_h * out_w; }
};

// What follows the convolution: Y = activation(conv + bias[m] + residual), each optional.
struct ConvEpilogue {
  const float* bias = nullptr;      // out_channels
  const float* residual = nullptr;  // the output's shape
  kernels::ActivationSpec activation;
};

// A fast float32 algorithm for one layer, made at session creation from its constant
// weights (packed or transformed there). run() must not allocate: `scratch` holds
// scratch_floats() floats for the planned shape.
class ConvAlgorithm {
 public:
  virtual ~ConvAlgorithm() = default;
  virtual std::string name() const = 0;
  virtual size_t scratch_floats(const Conv2dShape&, int) const { return 0; }
  // The output rows (and columns) it computes together, in blocks starting at row 0
  // (Winograd's tiles): a box computes each value as the whole run does only if it starts
  // at such a block (ops/operator.h, AxisWindow::align).
  virtual int64_t row_block() const { return 1; }
  // Whether each output row's values depend on the row's width (not only on what their
  // windows read): a box then takes whole rows (ops/operator.h, AxisWindow::whole).
  virtual bool whole_rows() const { return false; }
  virtual void run(const Conv2dShape& shape, const float* x, const ConvEpilogue& epilogue, float* y, float* scratch,
                   int threads) const = 0;
};

// `layer` has the weights' dimensions, strides and dilations (spatial sizes and padding
// come at run time); `weights` is M x C/group x kh x kw.
std::unique_ptr<ConvAlgorithm> make_gemm_conv(const Conv2dShape& layer, const float* weights);
std::unique_ptr<ConvAlgorithm> make_depthwise_conv(const Conv2dShape& layer, const float* weights);
// Winograd F(tile x tile, 3x3), tile 2 or 4, for 3x3 stride-1 dilation-1 layers with one group.
std::unique_ptr<ConvAlgorithm> make_winograd_conv(const Conv2dShape& layer, const float* weights, int tile);
// Whether Winograd beats implicit GEMM for such a layer on the active GEMM, and with which
// tile; `layer.in_h` and `in_w` are the declared input size, or 0 when unknown.
bool winograd_pays(const Conv2dShape& layer);
int winograd_tile(const Conv2dShape& layer);

}  // namespace vigil

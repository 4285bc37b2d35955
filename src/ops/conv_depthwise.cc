// SPDX-License-Identifier: Apache-2.0
// The depthwise convolution of Conv (group == C == M): each channel plane is filtered
// directly by kernels/f32_dwconv.h, channels spread over the threads. Bias, residual and
// a clamp (Relu, Clip) happen in the kernel before the store; other activations run on
// the plane right after, while it is in cache.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/f32_dwconv.h"
#include "kernels/unary.h"
#include "ops/conv_internal.h"
#include "ops/f32_fast_path.h"

namespace vigil {

namespace {

kernels::F32DwConvGeometry geometry(const Conv2dShape& s) {
  return {s.in_h,     s.in_w,     s.out_h,      s.out_w,      s.kernel_h, s.kernel_w,
          s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.pad_top,  s.pad_left};
}

class DepthwiseConv final : public ConvAlgorithm {
 public:
  DepthwiseConv(const Conv2dShape& layer, const float* weights)
      : kernel_(kernels::f32_dwconv_kernel(geometry(layer))),
        weights_(weights, weights + layer.out_channels * layer.kernel_h * layer.kernel_w) {}

  std::string name() const override { return std::string("depthwise ") + kernel_.name; }

  void run(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float*, int threads) const override {
    const kernels::F32DwConvGeometry g = geometry(s);
    const int64_t planes = s.batch * s.channels, taps = s.kernel_h * s.kernel_w;
    const kernels::Activation kind = e.activation.kind;
    const bool clamp = kind == kernels::Activation::Relu || kind == kernels::Activation::Clip;
    const bool after = !clamp && kind != kernels::Activation::None;
    auto convolve_plane = [&](int64_t plane) {
      const int64_t c = plane % s.channels;
      kernels::F32DwConvEpilogue pe;
      pe.bias = e.bias ? e.bias[c] : 0.0f;
      pe.residual = e.residual ? e.residual + plane * s.out_plane() : nullptr;
      if (kind == kernels::Activation::Relu) pe.lower = 0.0f;
      if (kind == kernels::Activation::Clip) {
        pe.lower = e.activation.alpha;
        pe.upper = e.activation.beta;
      }
      float* out = y + plane * s.out_plane();
      kernel_.run(g, x + plane * s.in_plane(), weights_.data() + c * taps, pe, out);
      if (after) kernels::f32_activation(e.activation, s.out_plane(), out, out);
    };
    // Planes over threads; one thread never enters OpenMP (libgomp allocates a team for
    // every parallel region, even a serial one).
    parallel_ranges(planes, s.out_plane() * taps, threads, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) convolve_plane(plane);
    });
  }

 private:
  kernels::F32DwConvKernel kernel_;
  std::vector<float> weights_;
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_depthwise_conv(const Conv2dShape& layer, const float* weights) {
  return std::make_unique<DepthwiseConv>(layer, weights);
}

}  // namespace vigil

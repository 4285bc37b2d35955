// SPDX-License-Identifier: Apache-2.0
// The depthwise convolution of Conv (group == C == M): each channel plane is filtered
// directly by kernels/f32_dwconv.h, channels spread over the threads. Bias, residual and
// a clamp (Relu, Clip) happen in the kernel before the store; other activations run on
// the plane right after, while it is in cache. Under ABFT (a check sink in the thread's
// GEMM context, kernels/gemm_check.h) each plane is checked by its checksum
// (kernels/f32_dwconv_checksum.h, from a copy of the weights as loaded) before any clamp
// or activation, which then runs on the plane in cache.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>

#include "core/thread_scratch.h"
#include "kernels/f32_dwconv.h"
#include "kernels/f32_dwconv_checksum.h"
#include "kernels/gemm_check.h"
#include "kernels/unary.h"
#include "ops/conv_internal.h"
#include "ops/f32_fast_path.h"

namespace vigil {

namespace {

kernels::F32DwConvGeometry geometry(const Conv2dShape& s) {
  return {s.in_h,     s.in_w,     s.out_h,      s.out_w,      s.kernel_h, s.kernel_w,
          s.stride_h, s.stride_w, s.dilation_h, s.dilation_w, s.pad_top,  s.pad_left};
}

ThreadScratch<ScratchVector<double>> plane_scratch;  // the checks' sums, per thread

class DepthwiseConv final : public ConvAlgorithm {
 public:
  DepthwiseConv(const Conv2dShape& layer, const float* weights)
      : kernel_(kernels::f32_dwconv_kernel(geometry(layer))),
        weights_(weights, weights + layer.out_channels * layer.kernel_h * layer.kernel_w),
        checksum_weights_(weights_) {}

  std::string name() const override { return std::string("depthwise ") + kernel_.name; }
  // The vector kernels add a column's taps in an order set by how the width splits into
  // groups of vectors.
  bool whole_rows() const override { return true; }

  void run(const Conv2dShape& s, const float* x, const ConvEpilogue& e, float* y, float*, int threads) const override {
    const kernels::F32DwConvGeometry g = geometry(s);
    const int64_t planes = s.batch * s.channels, taps = s.kernel_h * s.kernel_w;
    const kernels::Activation kind = e.activation.kind;
    // The plane checksum is a pass of its own over the input and the output, which only the
    // uniform separate scheme asks for (the fused one checks what the kernels' registers
    // hold, and the depthwise kernels hand theirs to no check).
    kernels::GemmCheckSink* const sink = kernels::gemm_thread_context().check;
    kernels::GemmCheckSink* const check = sink && sink->depthwise_planes() ? sink : nullptr;
    // Checked, the kernel stores the linear result; the activation follows the check.
    const bool clamp = !check && (kind == kernels::Activation::Relu || kind == kernels::Activation::Clip);
    const bool after = !clamp && kind != kernels::Activation::None;
    kernels::DepthwisePlaneFailures failures(planes);
    auto convolve_plane = [&](int64_t plane) {
      const int64_t c = plane % s.channels;
      kernels::F32DwConvEpilogue pe;
      pe.bias = e.bias ? e.bias[c] : 0.0f;
      pe.residual = e.residual ? e.residual + plane * s.out_plane() : nullptr;
      if (clamp && kind == kernels::Activation::Relu) pe.lower = 0.0f;
      if (clamp && kind == kernels::Activation::Clip) {
        pe.lower = e.activation.alpha;
        pe.upper = e.activation.beta;
      }
      float* out = y + plane * s.out_plane();
      const float* image = x + plane * s.in_plane();
      kernel_.run(g, image, weights_.data() + c * taps, pe, out);
      if (check && !kernels::f32_dwconv_plane_checks(g, image, checksum_weights_.data() + c * taps, pe.bias,
                                                     pe.residual, out, plane_scratch.mine().values)) {
        failures.record(plane);
      }
      if (after) kernels::f32_activation(e.activation, s.out_plane(), out, out);
    };
    // Planes over threads.
    parallel_ranges_if_large(planes, s.out_plane() * taps, threads, [&](int64_t begin, int64_t end) {
      for (int64_t plane = begin; plane < end; ++plane) convolve_plane(plane);
    });
    if (check) check->add(failures.tally(s.kernel_h, s.kernel_w, "n fp32"));
  }

 private:
  kernels::F32DwConvKernel kernel_;
  std::vector<float> weights_;
  // The weights as loaded, which the checksums read: a corruption of the working copy
  // changes the output but not the prediction.
  std::vector<float> checksum_weights_;
};

}  // namespace

std::unique_ptr<ConvAlgorithm> make_depthwise_conv(const Conv2dShape& layer, const float* weights) {
  return std::make_unique<DepthwiseConv>(layer, weights);
}

}  // namespace vigil

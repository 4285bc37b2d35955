// SPDX-License-Identifier: Apache-2.0
// The reference N-D convolution, for any element type: im2col and the reference GEMM
// per (image, group), spread over threads. Conv runs it for what has no fast algorithm
// (double, 1-D and 3-D, weights computed at run time); ConvInteger and QLinearConv run it
// on int32 values with their zero points taken off (qlinear_conv.cc).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "core/thread_pool.h"
#include "kernels/ref/gemm_ref.h"
#include "kernels/ref/im2col.h"
#include "ops/conv_geometry.h"

namespace vigil {

// One convolution resolved for its inputs: N x C x spatial input, M x C/group x kernel weights.
struct ConvProblem {
  int64_t batch, channels, out_channels, group;
  WindowPlan plan;
};

// The output's shape: N x M x the window's output.
inline Shape conv_output_shape(const ConvProblem& p) {
  Shape y_shape{p.batch, p.out_channels};
  y_shape.insert(y_shape.end(), p.plan.output.begin(), p.plan.output.end());
  return y_shape;
}

// Checks X (N, C, D1, ...), W (M, C/group, k1, ...) and B (M) against each other and the
// attributes (element types are the caller's to check) and resolves the window. A
// bad-input Error naming `what` otherwise.
ConvProblem resolve_conv(const Tensor& x, const Tensor& w, const Tensor* b, const WindowAttributes& window,
                         int64_t group, const std::string& what);

// y (N x M x output) = conv(x, w) + bias (M values, or nullptr).
template <class T>
void run_reference_conv(const ConvProblem& p, const T* x, const T* w, const T* bias, T* y, int threads) {
  const int64_t channels_per_group = p.channels / p.group;
  const int64_t outputs_per_group = p.out_channels / p.group;
  const kernels::PatchGeometry geometry = p.plan.patch(channels_per_group);
  const int64_t input_size = geometry.input_size();
  const int64_t output_size = geometry.output_size();
  const int64_t depth = channels_per_group * geometry.kernel_size();  // the GEMM's k
  bool direct = true;                                                 // the column matrix would equal the input
  for (size_t d = 0; d < p.plan.input.size(); ++d) {
    direct = direct && p.plan.kernel[d] == 1 && p.plan.strides[d] == 1 && p.plan.pads_begin[d] == 0 &&
             p.plan.output[d] == p.plan.input[d];
  }
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t m = 0; m < p.out_channels; ++m) {
      T* row = y + (n * p.out_channels + m) * output_size;
      std::fill(row, row + output_size, bias ? bias[m] : T(0));
    }
  }
  auto convolve = [&](int64_t unit, std::vector<T>& columns, int gemm_threads) {
    const int64_t n = unit / p.group, g = unit % p.group;
    const T* image = x + (n * p.channels + g * channels_per_group) * input_size;
    const T* source = image;
    if (!direct) {
      columns.resize(static_cast<size_t>(depth * output_size));
      kernels::im2col(geometry, image, columns.data());
      source = columns.data();
    }
    kernels::gemm_ref<T>(outputs_per_group, output_size, depth, T(1), {w + g * outputs_per_group * depth, depth},
                         {source, output_size}, T(1), y + (n * p.out_channels + g * outputs_per_group) * output_size,
                         output_size, gemm_threads);
  };
  const int64_t units = p.batch * p.group;
  if (p.group > 1 && units >= threads) {
    std::vector<std::vector<T>> columns(static_cast<size_t>(std::max(threads, 1)));  // per thread
    parallel_for(units, threads, [&](int64_t unit) { convolve(unit, columns[parallel_worker()], 1); });
  } else {
    std::vector<T> columns;
    for (int64_t unit = 0; unit < units; ++unit) convolve(unit, columns, threads);
  }
}

}  // namespace vigil

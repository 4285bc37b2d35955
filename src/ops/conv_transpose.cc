// SPDX-License-Identifier: Apache-2.0
// ConvTranspose: the adjoint of Conv (a "deconvolution"), N-D with groups, dilations,
// strides, output_padding, and output_shape or auto_pad deciding the padding. For each
// (image, group) the reference GEMM forms columns = W_g^T * X_g (one row per output
// channel and kernel offset, one column per input position), and col2im scatters them
// into the output, which starts as the bias.
#include <algorithm>
#include <vector>

#include "kernels/ref/gemm_ref.h"
#include "kernels/ref/im2col.h"
#include "ops/conv_geometry.h"
#include "ops/conv_internal.h"

namespace vigil {

namespace {

int64_t floor_half(int64_t value) { return value >= 0 ? value / 2 : -((-value + 1) / 2); }

struct TransposeAttributes {
  WindowAttributes window;
  Shape output_padding;
  Shape output_shape;
  int64_t group = 1;
};

// The geometry of the scatter: col2im's "image" is the output, its "output" the input.
kernels::PatchGeometry plan_transpose(const TransposeAttributes& a, const Shape& input, const Shape& kernel,
                                      int64_t channels, const std::string& what) {
  const size_t rank = input.size();
  kernels::PatchGeometry g;
  g.channels = channels;
  g.output = input;
  g.kernel = kernel;
  g.strides = per_dimension(a.window.strides, rank, 1, "strides", what);
  g.dilations = per_dimension(a.window.dilations, rank, 1, "dilations", what);
  const Shape output_padding = per_dimension(a.output_padding, rank, 0, "output_padding", what);
  Shape pads = a.window.pads.empty() ? Shape(2 * rank, 0) : a.window.pads;
  check_input(pads.size() == 2 * rank, what, ": attribute pads has ", pads.size(), " values");
  const bool same = a.window.auto_pad == "SAME_UPPER" || a.window.auto_pad == "SAME_LOWER";
  // output_shape may list all dimensions or only the spatial ones.
  check_input(a.output_shape.empty() || a.output_shape.size() >= rank, what, ": output_shape is too short");
  g.input.resize(rank);
  g.pads_begin.resize(rank);
  for (size_t d = 0; d < rank; ++d) {
    check_input(g.strides[d] >= 1 && g.dilations[d] >= 1 && kernel[d] >= 1, what,
                ": kernel, strides and dilations must be positive");
    const int64_t full = g.strides[d] * (input[d] - 1) + output_padding[d] + (kernel[d] - 1) * g.dilations[d] + 1;
    if (!a.output_shape.empty() || same) {
      const int64_t target =
          a.output_shape.empty() ? input[d] * g.strides[d] : a.output_shape[a.output_shape.size() - rank + d];
      const int64_t total = full - target;
      g.pads_begin[d] = a.window.auto_pad == "SAME_UPPER" ? floor_half(total) : total - floor_half(total);
      g.input[d] = target;
    } else {
      if (a.window.auto_pad == "VALID") pads[d] = pads[d + rank] = 0;
      g.pads_begin[d] = pads[d];
      g.input[d] = full - pads[d] - pads[d + rank];
    }
    check_input(g.input[d] > 0, what, ": the output would be empty");
  }
  return g;
}

template <class T>
void run_conv_transpose(const Tensor& x, const Tensor& w, const Tensor* b, int64_t group,
                        const kernels::PatchGeometry& geometry, Tensor& y, int threads) {
  const int64_t batch = x.dim(0), channels = x.dim(1);
  const int64_t channels_per_group = channels / group;
  const int64_t outputs_per_group = geometry.channels;
  const int64_t out_channels = outputs_per_group * group;
  const int64_t input_size = geometry.output_size();  // positions of X
  const int64_t output_size = geometry.input_size();  // positions of Y
  const int64_t rows = outputs_per_group * geometry.kernel_size();
  const T* x_data = x.data<T>();
  const T* w_data = w.data<T>();
  T* y_data = y.data<T>();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t m = 0; m < out_channels; ++m) {
      T* plane = y_data + (n * out_channels + m) * output_size;
      std::fill(plane, plane + output_size, b ? b->data<T>()[m] : T(0));
    }
  }
  std::vector<T> columns(static_cast<size_t>(rows * input_size));
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t g = 0; g < group; ++g) {
      const T* w_group = w_data + g * channels_per_group * rows;
      const T* x_group = x_data + (n * channels + g * channels_per_group) * input_size;
      kernels::gemm_ref<T>(rows, input_size, channels_per_group, T(1), {w_group, rows, true}, {x_group, input_size},
                           T(0), columns.data(), input_size, threads);
      kernels::col2im_add(geometry, columns.data(), y_data + (n * out_channels + g * outputs_per_group) * output_size);
    }
  }
}

}  // namespace

std::unique_ptr<Operator> create_conv_transpose(const OpCreateInfo& info) {
  const std::string what = info.describe();
  TransposeAttributes attributes;
  attributes.window = WindowAttributes::read(info.attributes(), what);
  attributes.output_padding = info.attributes().get_ints("output_padding");
  attributes.output_shape = info.attributes().get_ints("output_shape");
  attributes.group = info.attributes().get_int("group", 1);
  check_input(attributes.group >= 1, what, ": group must be positive");
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor& w = require_input(in, 1, what);
    const Tensor* b = has_input(in, 2) ? in[2] : nullptr;
    const int64_t group = attributes.group;
    check_input(x.rank() >= 3 && w.rank() == x.rank(), what, ": X ", shape_to_string(x.shape()), " and W ",
                shape_to_string(w.shape()), " must be (N, C, D1, ...) and (C, M/group, k1, ...)");
    check_input(w.dtype() == x.dtype() && (!b || b->dtype() == x.dtype()), what, ": X, W and B types differ");
    check_input(w.dim(0) == x.dim(1) && x.dim(1) % group == 0, what, ": X has ", x.dim(1), " channels, W ",
                shape_to_string(w.shape()), " with group ", group);
    const int64_t out_channels = w.dim(1) * group;
    check_input(!b || (b->rank() == 1 && b->dim(0) == out_channels), what, ": B must have shape [", out_channels, "]");
    const Shape spatial(x.shape().begin() + 2, x.shape().end());
    const Shape kernel(w.shape().begin() + 2, w.shape().end());
    check_input(attributes.window.kernel_shape.empty() || attributes.window.kernel_shape == kernel, what,
                ": kernel_shape differs from W ", shape_to_string(w.shape()));
    const kernels::PatchGeometry geometry = plan_transpose(attributes, spatial, kernel, w.dim(1), what);
    Shape y_shape{x.dim(0), out_channels};
    y_shape.insert(y_shape.end(), geometry.input.begin(), geometry.input.end());
    out[0] = Tensor(x.dtype(), y_shape);
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      run_conv_transpose<T>(x, w, b, group, geometry, out[0], threads);
    });
  });
}

}  // namespace vigil

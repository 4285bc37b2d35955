// Conv: the N-D convolution of ONNX (1-D to 3-D and beyond, groups, dilations, strides,
// explicit or automatic padding, optional bias). Each (image, group) pair is lowered with
// im2col to one reference GEMM, weights (M/g x C/g*kernel) times columns; a 1x1 kernel
// with unit stride and no padding reads the input directly. Grouped convolutions with
// many groups (depthwise) spread the pairs over threads; the others let the GEMM use them.
#include <algorithm>
#include <vector>

#include "kernels/ref/gemm_ref.h"
#include "kernels/ref/im2col.h"
#include "ops/conv_geometry.h"
#include "ops/conv_internal.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

struct ConvProblem {
  int64_t batch, channels, out_channels, group;
  WindowPlan plan;
};

template <class T>
void run_conv(const ConvProblem& p, const T* x, const T* w, const T* bias, T* y, int threads) {
  const int64_t channels_per_group = p.channels / p.group;
  const int64_t outputs_per_group = p.out_channels / p.group;
  const kernels::PatchGeometry geometry = p.plan.patch(channels_per_group);
  const int64_t input_size = geometry.input_size();
  const int64_t output_size = geometry.output_size();
  const int64_t depth = channels_per_group * geometry.kernel_size();  // the GEMM's k
  bool direct = true;  // the column matrix would equal the input
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
#pragma omp parallel num_threads(threads) if (threads > 1)
    {
      std::vector<T> columns;
#pragma omp for schedule(static)
      for (int64_t unit = 0; unit < units; ++unit) convolve(unit, columns, 1);
    }
  } else {
    std::vector<T> columns;
    for (int64_t unit = 0; unit < units; ++unit) convolve(unit, columns, threads);
  }
}

std::unique_ptr<Operator> create_conv(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const WindowAttributes window = WindowAttributes::read(info.attributes(), what);
  const int64_t group = info.attributes().get_int("group", 1);
  check_input(group >= 1, what, ": group must be positive");
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor& w = require_input(in, 1, what);
    const Tensor* b = has_input(in, 2) ? in[2] : nullptr;
    check_input(x.rank() >= 3 && w.rank() == x.rank(), what, ": X ", shape_to_string(x.shape()), " and W ",
                shape_to_string(w.shape()), " must be (N, C, D1, ...) and (M, C/group, k1, ...)");
    check_input(w.dtype() == x.dtype() && (!b || b->dtype() == x.dtype()), what, ": X, W and B types differ");
    ConvProblem p{x.dim(0), x.dim(1), w.dim(0), group, {}};
    check_input(p.channels == w.dim(1) * group && p.out_channels % group == 0, what, ": X has ", p.channels,
                " channels, W ", shape_to_string(w.shape()), " with group ", group);
    check_input(!b || (b->rank() == 1 && b->dim(0) == p.out_channels), what, ": B must have shape [",
                p.out_channels, "]");
    const Shape spatial(x.shape().begin() + 2, x.shape().end());
    const Shape kernel(w.shape().begin() + 2, w.shape().end());
    check_input(window.kernel_shape.empty() || window.kernel_shape == kernel, what, ": kernel_shape ",
                shape_to_string(window.kernel_shape), " differs from W ", shape_to_string(w.shape()));
    p.plan = plan_window(window, spatial, kernel, what);
    Shape y_shape{p.batch, p.out_channels};
    y_shape.insert(y_shape.end(), p.plan.output.begin(), p.plan.output.end());
    out[0] = Tensor(x.dtype(), y_shape);
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      run_conv<T>(p, x.data<T>(), w.data<T>(), b ? b->data<T>() : nullptr, out[0].data<T>(), threads);
    });
  });
}

}  // namespace

void register_conv_operators(OpRegistry& registry) {
  registry.add("", "Conv", create_conv);
  registry.add("", "ConvTranspose", create_conv_transpose);
}

}  // namespace vigil

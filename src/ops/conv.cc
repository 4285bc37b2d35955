// SPDX-License-Identifier: Apache-2.0
// Conv: the N-D convolution of ONNX (1-D to 3-D and beyond, groups, dilations, strides,
// explicit or automatic padding, optional bias), and vigil's FusedConv (domain "vigil"):
// the same plus an optional residual input Z and an activation, Y = act(conv + B + Z).
//
// A float32 2-D layer with constant weights gets a fast algorithm at session creation,
// chosen from the weights' shape and the attributes (choose_algorithm below; the rule and
// its measurements are in docs/kernels.md): depthwise direct kernels, Winograd, or GEMM
// (1x1 or implicit). It runs on the planned path: plan() resolves the spatial geometry and
// sizes the scratch, execute() allocates nothing. Everything else (double, 1-D and 3-D,
// weights computed at run time) takes the reference: im2col and the reference GEMM per
// (image, group), the residual and activation applied afterwards.
#include <algorithm>
#include <vector>

#include "core/shared_preparation.h"
#include "kernels/aligned_buffer.h"
#include "ops/conv_geometry.h"
#include "ops/conv_internal.h"
#include "ops/conv_reference.h"
#include "ops/families.h"
#include "ops/fused_activation.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The fast algorithm for a float32 2-D layer with constant weights. Depthwise layers go to
// the direct kernels; 3x3 stride-1 layers to Winograd where it measured faster than
// implicit GEMM (docs/kernels.md, "Convolution"); the rest to the GEMM. Sessions over the
// same weights share it (core/shared_preparation.h): it is immutable once made.
std::shared_ptr<const ConvAlgorithm> choose_algorithm(const Conv2dShape& layer, const Tensor& weights) {
  const float* w = weights.data<float>();
  const auto prepared = [&](const char* kind, int tile, std::function<std::unique_ptr<ConvAlgorithm>()> make) {
    const std::string recipe = str_cat(kind, tile, ' ', layer.out_channels, ' ', layer.channels, ' ', layer.group, ' ',
                                       layer.kernel_h, ' ', layer.kernel_w, ' ', layer.stride_h, ' ', layer.stride_w,
                                       ' ', layer.dilation_h, ' ', layer.dilation_w, ' ', layer.in_h, ' ', layer.in_w);
    return shared_preparation<ConvAlgorithm>(weights, recipe, make);
  };
  if (layer.group == layer.channels && layer.group == layer.out_channels) {
    return prepared("depthwise", 0, [&] { return make_depthwise_conv(layer, w); });
  }
  const bool winograd_shape = layer.group == 1 && layer.kernel_h == 3 && layer.kernel_w == 3 && layer.stride_h == 1 &&
                              layer.stride_w == 1 && layer.dilation_h == 1 && layer.dilation_w == 1;
  if (winograd_shape && winograd_pays(layer)) {
    const int tile = winograd_tile(layer);
    return prepared("winograd", tile, [&] { return make_winograd_conv(layer, w, tile); });
  }
  return prepared("gemm", 0, [&] { return make_gemm_conv(layer, w); });
}

// Scratch shared by all convolution layers run on this thread (Winograd's transformed
// tiles): it grows to the largest layer's need in plan() and is reused by every layer.
kernels::AlignedBuffer& scratch() {
  thread_local kernels::AlignedBuffer buffer;
  return buffer;
}

class ConvOperator final : public Operator {
 public:
  explicit ConvOperator(const OpCreateInfo& info, bool fused)
      : what_(info.describe()),
        window_(WindowAttributes::read(info.attributes(), what_)),
        group_(info.attributes().get_int("group", 1)),
        threads_(std::max(1, info.threads)),
        fused_(fused) {
    check_input(group_ >= 1, what_, ": group must be positive");
    if (fused_) activation_ = read_fused_activation(info.attributes(), what_);
    const Tensor* w = info.node.inputs.size() > 1 && !info.node.inputs[1].empty() && info.find_constant
                          ? info.find_constant(info.node.inputs[1])
                          : nullptr;
    if (!w || w->dtype() != DType::Float32 || w->rank() != 4 || w->numel() == 0) return;
    layer_.out_channels = w->dim(0);
    layer_.channels = w->dim(1) * group_;
    layer_.group = group_;
    if (layer_.out_channels % group_ != 0) return;  // reported at run time
    layer_.kernel_h = w->dim(2);
    layer_.kernel_w = w->dim(3);
    const Shape strides = per_dimension(window_.strides, 2, 1, "strides", what_);
    const Shape dilations = per_dimension(window_.dilations, 2, 1, "dilations", what_);
    layer_.stride_h = strides[0];
    layer_.stride_w = strides[1];
    layer_.dilation_h = dilations[0];
    layer_.dilation_w = dilations[1];
    if (std::min({layer_.stride_h, layer_.stride_w, layer_.dilation_h, layer_.dilation_w}) < 1) return;
    declared_input_size(info);
    algorithm_ = choose_algorithm(layer_, *w);
    layer_.in_h = layer_.in_w = 1;
  }

  std::string algorithm() const override { return algorithm_ ? algorithm_->name() : std::string(); }

  // The planned path computes any box of rows and columns; the residual has the output's.
  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if (!algorithm_ || !has_input(in, 0) || in[0]->dtype() != DType::Float32 || in[0]->rank() != 4) {
      return std::nullopt;
    }
    std::optional<SpatialDependence> dependence = window_dependence(window_, resolve(in).plan, in.size());
    if (dependence && fused_ && has_input(in, 3)) dependence->roles[3] = SpatialDependence::Role::Aligned;
    if (dependence) {
      dependence->rows.align = dependence->cols.align = algorithm_->row_block();
      dependence->cols.whole = algorithm_->whole_rows();
    }
    return dependence;
  }

  void run(const OpInputs& in, OpOutputs& out) override {
    if (algorithm_ && require_input(in, 0, what_).dtype() == DType::Float32) return Operator::run(in, out);
    const ConvProblem p = resolve(in);
    out[0] = Tensor(in[0]->dtype(), conv_output_shape(p));
    const Tensor* b = has_input(in, 2) ? in[2] : nullptr;
    const Tensor* z = residual(in, out[0].shape());
    dispatch_float(in[0]->dtype(), what_, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* y = out[0].data<T>();
      run_reference_conv<T>(p, in[0]->data<T>(), in[1]->data<T>(), b ? b->data<T>() : nullptr, y, threads_);
      if (!z && activation_.kind == kernels::Activation::None) return;
      const T* z_data = z ? z->data<T>() : nullptr;
      for (int64_t i = 0; i < out[0].numel(); ++i) {
        const T v = y[i] + (z_data ? z_data[i] : T(0));
        y[i] = activation_.kind == kernels::Activation::None
                   ? v
                   : static_cast<T>(kernels::apply_activation(activation_, static_cast<float>(v)));
      }
    });
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!algorithm_) return false;
    const ConvProblem p = resolve(in);
    check_input(in[0]->dtype() == DType::Float32 && p.plan.input.size() == 2, what_,
                ": the planned convolution takes float32 NCHW input");
    outputs.assign(1, TensorSpec{DType::Float32, conv_output_shape(p)});
    residual(in, outputs[0].shape);
    shape_ = layer_;
    shape_.batch = p.batch;
    shape_.in_h = p.plan.input[0];
    shape_.in_w = p.plan.input[1];
    shape_.out_h = p.plan.output[0];
    shape_.out_w = p.plan.output[1];
    shape_.pad_top = p.plan.pads_begin[0];
    shape_.pad_left = p.plan.pads_begin[1];
    shape_.pad_bottom = p.plan.pads_end[0];
    shape_.pad_right = p.plan.pads_end[1];
    scratch_floats_ = algorithm_->scratch_floats(shape_, threads_);
    scratch().floats(std::max<size_t>(scratch_floats_, 1));  // grown here, so execute() never grows it
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    ConvEpilogue e;
    e.bias = has_input(in, 2) ? in[2]->data<float>() : nullptr;
    e.residual = fused_ && has_input(in, 3) ? in[3]->data<float>() : nullptr;
    e.activation = activation_;
    algorithm_->run(shape_, in[0]->data<float>(), e, out[0].data<float>(),
                    scratch().floats(std::max<size_t>(scratch_floats_, 1)), threads_);
  }

 private:
  // The input's height and width where the model declares them (shape inference), for
  // the algorithm choice; left 0 otherwise.
  void declared_input_size(const OpCreateInfo& info) {
    layer_.in_h = layer_.in_w = 0;
    if (!info.model || info.node.inputs.empty()) return;
    const Graph& graph = info.model->graph;
    for (const auto* list : {&graph.inputs, &graph.value_infos}) {
      for (const ValueInfo& value : *list) {
        if (value.name != info.node.inputs[0] || !value.has_shape || value.dims.size() != 4) continue;
        if (value.dims[2].is_fixed() && value.dims[3].is_fixed()) {
          layer_.in_h = value.dims[2].value;
          layer_.in_w = value.dims[3].value;
        }
        return;
      }
    }
  }

  ConvProblem resolve(const OpInputs& in) const {
    const Tensor& x = require_input(in, 0, what_);
    const Tensor& w = require_input(in, 1, what_);
    const Tensor* b = has_input(in, 2) ? in[2] : nullptr;
    check_input(w.dtype() == x.dtype() && (!b || b->dtype() == x.dtype()), what_, ": X, W and B types differ");
    return resolve_conv(x, w, b, window_, group_, what_);
  }

  // FusedConv's residual Z, checked to have the output's shape and type; nullptr if absent.
  const Tensor* residual(const OpInputs& in, const Shape& y_shape) const {
    if (!fused_ || !has_input(in, 3)) return nullptr;
    const Tensor* z = in[3];
    check_input(z->dtype() == in[0]->dtype() && z->shape() == y_shape, what_, ": Z ", shape_to_string(z->shape()),
                " must have the output's shape ", shape_to_string(y_shape), " and type");
    return z;
  }

  std::string what_;
  WindowAttributes window_;
  int64_t group_;
  int threads_;
  bool fused_;
  kernels::ActivationSpec activation_;
  Conv2dShape layer_;                               // from the weights and attributes, at creation
  std::shared_ptr<const ConvAlgorithm> algorithm_;  // shared with other sessions
  Conv2dShape shape_;                               // planned
  size_t scratch_floats_ = 0;
};

std::unique_ptr<Operator> create_conv(const OpCreateInfo& info) {
  return std::make_unique<ConvOperator>(info, info.node.op_type == "FusedConv");
}

}  // namespace

ConvProblem resolve_conv(const Tensor& x, const Tensor& w, const Tensor* b, const WindowAttributes& window,
                         int64_t group, const std::string& what) {
  check_input(x.rank() >= 3 && w.rank() == x.rank(), what, ": X ", shape_to_string(x.shape()), " and W ",
              shape_to_string(w.shape()), " must be (N, C, D1, ...) and (M, C/group, k1, ...)");
  ConvProblem p{x.dim(0), x.dim(1), w.dim(0), group, {}};
  check_input(p.channels == w.dim(1) * group && p.out_channels % group == 0, what, ": X has ", p.channels,
              " channels, W ", shape_to_string(w.shape()), " with group ", group);
  check_input(!b || (b->rank() == 1 && b->dim(0) == p.out_channels), what, ": B must have shape [", p.out_channels,
              "]");
  const Shape spatial(x.shape().begin() + 2, x.shape().end());
  const Shape kernel(w.shape().begin() + 2, w.shape().end());
  check_input(window.kernel_shape.empty() || window.kernel_shape == kernel, what, ": kernel_shape ",
              shape_to_string(window.kernel_shape), " differs from W ", shape_to_string(w.shape()));
  p.plan = plan_window(window, spatial, kernel, what);
  return p;
}

void register_conv_operators(OpRegistry& registry) {
  registry.add("", "Conv", create_conv);
  registry.add("vigil", "FusedConv", create_conv);
  registry.add("com.microsoft", "FusedConv", create_conv);  // what ONNX Runtime's optimizer writes
  registry.add("", "ConvTranspose", create_conv_transpose);
}

}  // namespace vigil

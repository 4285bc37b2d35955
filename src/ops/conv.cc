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

#include "kernels/aligned_buffer.h"
#include "kernels/ref/gemm_ref.h"
#include "kernels/ref/im2col.h"
#include "ops/conv_geometry.h"
#include "ops/conv_internal.h"
#include "ops/families.h"
#include "ops/fused_activation.h"
#include "ops/registry.h"

namespace vigil {

namespace {

struct ConvProblem {
  int64_t batch, channels, out_channels, group;
  WindowPlan plan;
};

template <class T>
void run_reference_conv(const ConvProblem& p, const T* x, const T* w, const T* bias, T* y, int threads) {
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

// The fast algorithm for a float32 2-D layer with constant weights. Depthwise layers go to
// the direct kernels; 3x3 stride-1 layers to Winograd where it measured faster than
// implicit GEMM (docs/kernels.md, "Convolution"); the rest to the GEMM.
std::unique_ptr<ConvAlgorithm> choose_algorithm(const Conv2dShape& layer, const float* weights) {
  if (layer.group == layer.channels && layer.group == layer.out_channels) return make_depthwise_conv(layer, weights);
  const bool winograd_shape = layer.group == 1 && layer.kernel_h == 3 && layer.kernel_w == 3 && layer.stride_h == 1 &&
                              layer.stride_w == 1 && layer.dilation_h == 1 && layer.dilation_w == 1;
  if (winograd_shape && winograd_pays(layer)) return make_winograd_conv(layer, weights, winograd_tile(layer));
  return make_gemm_conv(layer, weights);
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
    algorithm_ = choose_algorithm(layer_, w->data<float>());
    layer_.in_h = layer_.in_w = 1;
  }

  std::string algorithm() const override { return algorithm_ ? algorithm_->name() : std::string(); }

  void run(const OpInputs& in, OpOutputs& out) override {
    if (algorithm_ && require_input(in, 0, what_).dtype() == DType::Float32) return Operator::run(in, out);
    const ConvProblem p = resolve(in);
    out[0] = Tensor(in[0]->dtype(), output_shape(p));
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
    outputs.assign(1, TensorSpec{DType::Float32, output_shape(p)});
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

  // Checks the inputs against each other and the attributes and resolves the window.
  ConvProblem resolve(const OpInputs& in) const {
    const Tensor& x = require_input(in, 0, what_);
    const Tensor& w = require_input(in, 1, what_);
    const Tensor* b = has_input(in, 2) ? in[2] : nullptr;
    check_input(x.rank() >= 3 && w.rank() == x.rank(), what_, ": X ", shape_to_string(x.shape()), " and W ",
                shape_to_string(w.shape()), " must be (N, C, D1, ...) and (M, C/group, k1, ...)");
    check_input(w.dtype() == x.dtype() && (!b || b->dtype() == x.dtype()), what_, ": X, W and B types differ");
    ConvProblem p{x.dim(0), x.dim(1), w.dim(0), group_, {}};
    check_input(p.channels == w.dim(1) * group_ && p.out_channels % group_ == 0, what_, ": X has ", p.channels,
                " channels, W ", shape_to_string(w.shape()), " with group ", group_);
    check_input(!b || (b->rank() == 1 && b->dim(0) == p.out_channels), what_, ": B must have shape [",
                p.out_channels, "]");
    const Shape spatial(x.shape().begin() + 2, x.shape().end());
    const Shape kernel(w.shape().begin() + 2, w.shape().end());
    check_input(window_.kernel_shape.empty() || window_.kernel_shape == kernel, what_, ": kernel_shape ",
                shape_to_string(window_.kernel_shape), " differs from W ", shape_to_string(w.shape()));
    p.plan = plan_window(window_, spatial, kernel, what_);
    return p;
  }

  static Shape output_shape(const ConvProblem& p) {
    Shape y_shape{p.batch, p.out_channels};
    y_shape.insert(y_shape.end(), p.plan.output.begin(), p.plan.output.end());
    return y_shape;
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
  Conv2dShape layer_;  // from the weights and attributes, at creation
  std::unique_ptr<ConvAlgorithm> algorithm_;
  Conv2dShape shape_;  // planned
  size_t scratch_floats_ = 0;
};

std::unique_ptr<Operator> create_conv(const OpCreateInfo& info) {
  return std::make_unique<ConvOperator>(info, info.node.op_type == "FusedConv");
}

}  // namespace

void register_conv_operators(OpRegistry& registry) {
  registry.add("", "Conv", create_conv);
  registry.add("vigil", "FusedConv", create_conv);
  registry.add("", "ConvTranspose", create_conv_transpose);
}

}  // namespace vigil

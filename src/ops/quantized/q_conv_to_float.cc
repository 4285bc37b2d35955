// SPDX-License-Identifier: Apache-2.0
// The float-output vigil.QConv of ops/quantized/q_conv_to_float.h. Inputs are vigil.QConv's
// (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B) with
// y_scale and y_zero_point absent and B float32, one value per output channel.
//
// Fast path, for 2-D layers of constant int8 weights with zero point 0 (ONNX Runtime's
// dynamic quantizer writes them symmetric) and a uint8 x: per (image, group) the int32
// sums on the int8 GEMM (kernels/qs8_gemm.h), the weights packed once as vigil.QConv's
// gathered path packs them (and shared with it), the patches gathered straight into the
// GEMM's B panels with this run's zero point as the padding. The sums land in the output's
// own storage and become floats there, channel plane by plane. Checks and fault-injection
// hooks see the GEMM's sums as they see vigil.QConv's. Depthwise layers (one filter per
// channel) run instead, channel by channel over the threads, on the float32 depthwise
// kernels (kernels/f32_dwconv.h) over x - x_zero_point and the weights as floats: every
// product and partial sum is an integer below 2^24 (at most 513 taps x 255 x 128), so
// float32 holds the sums exactly, whatever the kernel's order or fused multiply-adds, and
// padding taps (x_zero_point, centred to 0) add nothing. Otherwise the reference: the
// exact sums of ops/quantized/integer_conv.h, then the same float steps.
#include "ops/quantized/q_conv_to_float.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/thread_pool.h"
#include "core/thread_scratch.h"
#include "kernels/f32_dwconv.h"
#include "kernels/f32_dwconv_checksum.h"
#include "kernels/gemm_check.h"
#include "kernels/qs8_gemm.h"
#include "kernels/x8_conv_patches.h"
#include "ops/f32_fast_path.h"
#include "ops/quantized/integer_conv.h"

namespace vigil {

namespace {

enum Input { kX, kXScale, kXZeroPoint, kW, kWScale, kWZeroPoint, kYScale, kYZeroPoint, kBias };

const Tensor* optional_input(const OpInputs& in, size_t index) { return has_input(in, index) ? in[index] : nullptr; }

// w_scale (one value or one per output channel) or B (one per output channel), as floats.
std::vector<float> channel_floats(const Tensor& values, int64_t channels, bool one_allowed, const std::string& what,
                                  const char* name) {
  check_input(values.dtype() == DType::Float32 && (values.numel() == channels || (one_allowed && values.numel() == 1)),
              what, ": ", name, " must be float32 with ", one_allowed ? "1 or " : "", channels, " values, not ",
              dtype_name(values.dtype()), " ", shape_to_string(values.shape()));
  return std::vector<float>(values.data<float>(), values.data<float>() + values.numel());
}

// y[i] = float(sums[i]) x scale [+ bias]: the Cast, the Mul and the Add of the unfused
// graph, each rounded to float32 (no fused multiply-add). `sums` may be y's own storage.
void dequantize(int64_t count, const void* sums, float scale, const float* bias, float* y) {
  const auto* bytes = static_cast<const unsigned char*>(sums);
  auto sum_at = [&](int64_t i) {
    int32_t sum;
    std::memcpy(&sum, bytes + i * 4, sizeof sum);
    return static_cast<float>(sum);
  };
  if (!bias) {
    for (int64_t i = 0; i < count; ++i) y[i] = sum_at(i) * scale;
    return;
  }
  const float b = *bias;
  for (int64_t i = 0; i < count; ++i) y[i] = sum_at(i) * scale + b;
}

ThreadScratch<ScratchVector<double>> plane_scratch;  // the depthwise checks' sums, per thread

// Taps of a depthwise filter whose int32 sums float32 holds exactly: 513 x 255 x 128 < 2^24.
constexpr int64_t kExactFloatTaps = 513;

// y[i] = y[i] x scale [+ bias], y holding exact integer sums: the same roundings as
// dequantize() of the same sums as int32.
void scale_exact_sums(int64_t count, float scale, const float* bias, float* y) {
  if (!bias) {
    for (int64_t i = 0; i < count; ++i) y[i] *= scale;
    return;
  }
  const float b = *bias;
  for (int64_t i = 0; i < count; ++i) y[i] = y[i] * scale + b;
}

class QConvToFloatOperator final : public Operator {
 public:
  explicit QConvToFloatOperator(const OpCreateInfo& info)
      : conv_(info),
        window_(WindowAttributes::read(info.attributes(), info.describe())),
        group_(info.attributes().get_int("group", 1)),
        threads_(std::max(1, info.threads)) {
    const std::vector<std::string>& names = info.node.inputs;
    check_input(names.size() <= kBias + 1, what(), ": a float-output QConv takes at most ", kBias + 1, " inputs");
    auto present = [&](size_t i) { return i < names.size() && !names[i].empty(); };
    check_input(!present(kYZeroPoint), what(), ": y_zero_point without y_scale");
    auto constant = [&](size_t i) { return present(i) ? info.find_constant(names[i]) : nullptr; };
    const Tensor* w = constant(kW);
    const Tensor* w_scale = constant(kWScale);
    const Tensor* w_zero_point = constant(kWZeroPoint);
    const Tensor* bias = constant(kBias);
    if (!w || !w_scale || (present(kWZeroPoint) && !w_zero_point) || (present(kBias) && !bias)) return;
    if (w->dtype() != DType::Int8 || w->rank() != 4 || w->dim(0) == 0) return;
    if (w_zero_point && (w_zero_point->dtype() != DType::Int8 ||
                         std::any_of(w_zero_point->data<int8_t>(), w_zero_point->data<int8_t>() + w_zero_point->numel(),
                                     [](int8_t z) { return z != 0; }))) {
      return;
    }
    check_input(group_ >= 1 && w->dim(0) % group_ == 0, what(), ": W has ", w->dim(0), " filters for group ", group_);
    weight_scales_ = channel_floats(*w_scale, w->dim(0), true, what(), "w_scale");
    if (bias) bias_ = channel_floats(*bias, w->dim(0), false, what(), "B");
    if (group_ > 1 && group_ == w->dim(0) && w->dim(1) == 1 && w->dim(2) * w->dim(3) <= kExactFloatTaps) {
      depthwise_weights_.assign(w->data<int8_t>(), w->data<int8_t>() + w->numel());  // exact as floats
      loaded_weights_ = depthwise_weights_;
      return;
    }
    packed_ = shared_gemm_weights(*w, group_);
  }

  void run(const OpInputs& in, OpOutputs& out) override {
    if (!run_planned(in, out)) run_reference(in, out);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!packed_ && depthwise_weights_.empty()) return false;
    const Tensor& x = require_input(in, kX, what());
    const Tensor* x_zero_point = optional_input(in, kXZeroPoint);
    if (x.dtype() != DType::UInt8 || (x_zero_point && x_zero_point->dtype() != DType::UInt8)) return false;
    problem_ = resolve_conv(x, require_input(in, kW, what()), nullptr, window_, group_, what());
    if (problem_.plan.input.size() != 2) return false;
    if (!depthwise_weights_.empty()) plan_depthwise();
    outputs.assign(1, TensorSpec{DType::Float32, conv_output_shape(problem_)});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    if (!depthwise_weights_.empty()) return execute_depthwise(in, out);
    const ConvProblem& p = problem_;
    const float x_scale = scalar_scale(require_input(in, kXScale, what()), what(), "x_scale");
    const auto x_zero_point =
        static_cast<uint8_t>(scalar_zero_point(optional_input(in, kXZeroPoint), what(), "x_zero_point"));
    const int64_t rows = p.out_channels / p.group, channels = p.channels / p.group;
    const int64_t depth = channels * p.plan.kernel[0] * p.plan.kernel[1], pixels = p.plan.output[0] * p.plan.output[1];
    const int64_t in_plane = p.plan.input[0] * p.plan.input[1];
    const auto* x = static_cast<const uint8_t*>(in[kX]->raw());
    float* y = out[0].data<float>();
    kernels::QS8GemmEpilogue e;
    e.output = kernels::QS8GemmOutput::I32;
    e.b_zero_point = x_zero_point;
    for (int64_t n = 0; n < p.batch; ++n) {
      for (int64_t g = 0; g < p.group; ++g) {
        const kernels::U8ConvPatches patches =
            gathered_patches(p.plan, x + (n * p.channels + g * channels) * in_plane, channels, x_zero_point, false);
        kernels::QS8GemmB b;
        b.packer = kernels::x8_conv_patch_packer(patches);
        kernels::qs8_gemm(rows, pixels, depth, (*packed_)[static_cast<size_t>(g)], b,
                          y + (n * p.out_channels + g * rows) * pixels, pixels, e, threads_);
      }
    }
    parallel_ranges_if_large(p.batch * p.out_channels, pixels, threads_, [&](int64_t first, int64_t last) {
      for (int64_t plane = first; plane < last; ++plane) {
        const int64_t m = plane % p.out_channels;
        float* values = y + plane * pixels;
        dequantize(pixels, values, x_scale * channel_scale(m), bias_.empty() ? nullptr : &bias_[m], values);
      }
    });
  }

  // Integer sums, then each element on its own: any box of rows and columns is exact.
  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if (!packed_ || !has_input(in, kX) || !has_input(in, kW) || in[kX]->rank() != 4) return std::nullopt;
    return window_dependence(window_, resolve_conv(*in[kX], *in[kW], nullptr, window_, group_, what()).plan, in.size());
  }

  std::string algorithm() const override {
    if (!depthwise_weights_.empty()) return std::string("depthwise ") + depthwise_kernel_.name + " (exact sums)";
    return packed_ ? std::string("implicit_gemm ") + packed_->front().kernel_name() : std::string();
  }

 private:
  const std::string& what() const { return conv_.what(); }
  float channel_scale(int64_t m) const { return weight_scales_[weight_scales_.size() == 1 ? 0 : m]; }

  void plan_depthwise() {
    const WindowPlan& w = problem_.plan;
    depthwise_geometry_ = {w.input[0],     w.input[1],     w.output[0],     w.output[1],
                           w.kernel[0],    w.kernel[1],    w.strides[0],    w.strides[1],
                           w.dilations[0], w.dilations[1], w.pads_begin[0], w.pads_begin[1]};
    depthwise_kernel_ = kernels::f32_dwconv_kernel(depthwise_geometry_);
    centred_planes_.assign(static_cast<size_t>(threads_),
                           std::vector<float>(static_cast<size_t>(w.input[0] * w.input[1])));
  }

  // Each (image, channel) plane: x - x_zero_point as floats into this thread's plane, the
  // exact sums by the float32 depthwise kernel into y, then scale and bias.
  void execute_depthwise(const OpInputs& in, OpOutputs& out) {
    const ConvProblem& p = problem_;
    const float x_scale = scalar_scale(require_input(in, kXScale, what()), what(), "x_scale");
    const int32_t x_zero_point = scalar_zero_point(optional_input(in, kXZeroPoint), what(), "x_zero_point");
    const int64_t in_plane = p.plan.input[0] * p.plan.input[1], out_plane = p.plan.output[0] * p.plan.output[1];
    const int64_t taps = p.plan.kernel[0] * p.plan.kernel[1];
    const auto* x = static_cast<const uint8_t*>(in[kX]->raw());
    float* y = out[0].data<float>();
    // Under ABFT's separate scheme each plane's sums are checked as a float32 depthwise
    // plane's are (ops/conv_depthwise.cc), against the weights as loaded.
    kernels::GemmCheckSink* const sink = kernels::gemm_thread_context().check;
    kernels::GemmCheckSink* const check = sink && sink->depthwise_planes() ? sink : nullptr;
    kernels::DepthwisePlaneFailures failures(p.batch * p.channels);
    parallel_for(p.batch * p.channels, threads_, [&](int64_t unit) {
      const int64_t c = unit % p.channels;
      float* centred = centred_planes_[static_cast<size_t>(parallel_worker())].data();
      const uint8_t* plane = x + unit * in_plane;
      for (int64_t i = 0; i < in_plane; ++i) centred[i] = static_cast<float>(plane[i] - x_zero_point);
      float* sums = y + unit * out_plane;
      depthwise_kernel_.run(depthwise_geometry_, centred, depthwise_weights_.data() + c * taps, {}, sums);
      if (check && !kernels::f32_dwconv_plane_checks(depthwise_geometry_, centred, loaded_weights_.data() + c * taps,
                                                     0.0f, nullptr, sums, plane_scratch.mine().values)) {
        failures.record(unit);
      }
      scale_exact_sums(out_plane, x_scale * channel_scale(c), bias_.empty() ? nullptr : &bias_[c], sums);
    });
    if (check) check->add(failures.tally(p.plan.kernel[0], p.plan.kernel[1], "n int8"));
  }

  void run_reference(const OpInputs& in, OpOutputs& out) const {
    const Tensor& w = require_input(in, kW, what());
    const float x_scale = scalar_scale(require_input(in, kXScale, what()), what(), "x_scale");
    const std::vector<float> scales =
        channel_floats(require_input(in, kWScale, what()), w.dim(0), true, what(), "w_scale");
    const Tensor* bias_input = optional_input(in, kBias);
    const std::vector<float> bias =
        bias_input ? channel_floats(*bias_input, w.dim(0), false, what(), "B") : std::vector<float>();
    ConvProblem problem;
    const std::vector<int32_t> sums = conv_.sums(require_input(in, kX, what()), optional_input(in, kXZeroPoint), w,
                                                 optional_input(in, kWZeroPoint), nullptr, problem);
    out[0] = Tensor(DType::Float32, conv_output_shape(problem));
    const int64_t planes = problem.batch * problem.out_channels;
    const int64_t plane = planes == 0 ? 0 : out[0].numel() / planes;
    for (int64_t i = 0; i < planes; ++i) {
      const int64_t m = i % problem.out_channels;
      dequantize(plane, sums.data() + i * plane, x_scale * scales[scales.size() == 1 ? 0 : m],
                 bias.empty() ? nullptr : &bias[m], out[0].data<float>() + i * plane);
    }
  }

  IntegerConv conv_;
  WindowAttributes window_;
  int64_t group_;
  int threads_;
  std::shared_ptr<const std::vector<kernels::QS8PackedWeights>> packed_;  // the GEMM path; shared
  std::vector<float> depthwise_weights_;                                  // the depthwise path: channels x taps
  std::vector<float> loaded_weights_;              // the same as loaded: the planes' checksums read them
  kernels::F32DwConvGeometry depthwise_geometry_;  // planned
  kernels::F32DwConvKernel depthwise_kernel_;
  std::vector<std::vector<float>> centred_planes_;  // one input plane per thread
  std::vector<float> weight_scales_;                // 1 or M
  std::vector<float> bias_;                         // M, or none
  ConvProblem problem_{};                           // planned
};

}  // namespace

std::unique_ptr<Operator> create_q_conv_to_float(const OpCreateInfo& info) {
  return std::make_unique<QConvToFloatOperator>(info);
}

}  // namespace vigil

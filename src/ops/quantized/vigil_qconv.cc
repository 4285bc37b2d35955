// SPDX-License-Identifier: Apache-2.0
// vigil.QConv: the integer convolution of a QDQ group (graph/passes/fuse_qdq.cc). Inputs
// are QLinearConv's (x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale,
// y_zero_point, B) then B's scale: B is int32 with its scale (as quantizers write it) or
// float32 without; Conv's attributes and an absorbed Relu or Clip (`activation`). The
// output is requantized in fixed point (ops/quantized/output_requantization.h).
//
// Fast path, for 2-D layers whose weights and parameters are constants, with int8 weights
// of zero point 0 (symmetric, as ONNX Runtime's quantizer and `vigil quantize` write them):
// per (image, group) Y (M/g x pixels) = W (M/g x C/g*kh*kw) * patches on the int8 GEMM
// (kernels/qs8_gemm.h), the weights packed once at creation and bias, zero points,
// requantization and clamp in its epilogue. The patches go straight into its B panels
// (kernels/x8_conv_patches.h): at strides 1 and 2 as shifted runs of the image, padded,
// split into phase planes and interleaved by channel quads once per inference, with the
// weights packed tap by tap to match, so packing is a copy; otherwise gathered. Depthwise
// layers (one filter per channel, stride 1 or 2) run the direct kernel of
// kernels/qs8_dwconv.h instead, channel by channel over the threads. Layers of one group
// whose weights fit one or two bit planes run bit-serial when an input's values fit few
// planes (ops/quantized/bit_serial_conv.h), to the same bytes. No float arithmetic
// runs per element. Otherwise the reference: exact int32 sums (ops/quantized/integer_conv.h), then
// kernels::requantize, the scalar definition the GEMM's epilogue is bit-exact with.
//
// A residual Add fused after it (graph/passes/fuse_q_conv_residual.cc) comes as five more
// inputs: the residual, its scale and zero point, the sum's scale and zero point, and the
// Add's absorbed activation as `sum_activation`. The convolution's requantized output is
// the Add's first operand, read on y's own grid, so the fused operator computes exactly
// what QConv then QAdd computed (kernels/qs8_add.h), block by block in the GEMM's epilogue.
//
// Without y_scale (a dynamically quantized Conv) the output is float32: a separate
// operator, ops/quantized/q_conv_to_float.h.

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "core/shared_preparation.h"
#include "core/thread_pool.h"
#include "kernels/gemm_check.h"
#include "kernels/qs8_add.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm.h"
#include "kernels/x8_conv_patches.h"
#include "kernels/x8_deinterleave.h"
#include "kernels/x8_interleave.h"
#include "ops/families.h"
#include "ops/fused_activation.h"
#include "ops/quantized/bit_serial_conv.h"
#include "ops/quantized/bit_serial_policy.h"
#include "ops/quantized/integer_conv.h"
#include "ops/quantized/output_requantization.h"
#include "ops/quantized/q_conv_to_float.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum Input {
  kX,
  kXScale,
  kXZeroPoint,
  kW,
  kWScale,
  kWZeroPoint,
  kYScale,
  kYZeroPoint,
  kBias,
  kBiasScale,
  kResidual,
  kResidualScale,
  kResidualZeroPoint,
  kSumScale,
  kSumZeroPoint  // a fused residual Add
};

// The requantization of one layer: multipliers per output channel (or one), the int32 bias
// on the sum's grid, the output's parameters.
struct LayerRequantization {
  std::vector<kernels::FixedPointMultiplier> multipliers;
  std::vector<int32_t> bias;
  OutputRequantization y;
};

LayerRequantization read_requantization(const Tensor& x_scale_tensor, const Tensor& w, const Tensor& w_scale,
                                        const Tensor& y_scale, const Tensor* y_zero_point, const Tensor* bias,
                                        const Tensor* bias_scale, const kernels::ActivationSpec& activation,
                                        const std::string& what) {
  const float x_scale = scalar_scale(x_scale_tensor, what, "x_scale");
  const QuantizationParameters weights(w.shape(), &w_scale, nullptr, 0, what);
  LayerRequantization r;
  r.y = OutputRequantization::read(y_scale, y_zero_point, activation, what);
  r.multipliers = channel_multipliers(x_scale, weights, r.y.scale);
  r.bias = integer_bias(bias, bias_scale, x_scale, weights, w.dim(0), what);
  return r;
}

const Tensor* optional_input(const OpInputs& in, size_t index) { return has_input(in, index) ? in[index] : nullptr; }

class QConvOperator final : public Operator {
 public:
  explicit QConvOperator(const OpCreateInfo& info)
      : conv_(info),
        activation_(read_fused_activation(info.attributes(), info.describe())),
        sum_activation_(read_fused_activation(info.attributes(), info.describe(), "sum_activation")),
        has_residual_(kResidual < info.node.inputs.size() && !info.node.inputs[kResidual].empty()),
        window_(WindowAttributes::read(info.attributes(), info.describe())),
        group_(info.attributes().get_int("group", 1)),
        threads_(std::max(1, info.threads)) {
    prepare_fast_path(info);
  }

  void run(const OpInputs& in, OpOutputs& out) override {
    if (!run_planned(in, out)) run_reference(in, out);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!packed_ && depthwise_weights_.empty()) return false;
    const Tensor& x = require_input(in, kX, what());
    const Tensor& w = require_input(in, kW, what());
    check_input(x.dtype() == x_type_, what(), ": x is ", dtype_name(x.dtype()), ", its zero point ",
                dtype_name(x_type_));
    problem_ = resolve_conv(x, w, nullptr, window_, group_, what());
    check_input(problem_.plan.input.size() == 2, what(), ": the planned integer convolution is 2-D");
    if (!depthwise_weights_.empty()) {
      const WindowPlan& w = problem_.plan;
      // The direct kernel's vector loads stay within its plane's slack up to stride 2.
      if (w.dilations[0] != 1 || w.dilations[1] != 1 || w.strides[0] > 2 || w.strides[1] > 2) return false;
      depthwise_shape_ = {w.input[0],  w.input[1],   w.output[0],  w.output[1],     w.kernel[0],
                          w.kernel[1], w.strides[0], w.strides[1], w.pads_begin[0], w.pads_begin[1]};
      depthwise_kernel_ = &kernels::qs8_dwconv_kernel(depthwise_shape_);
      depthwise_scratch_.assign(static_cast<size_t>(threads_),
                                std::vector<uint8_t>(kernels::qs8_dwconv_scratch_bytes(depthwise_shape_)));
      for (std::vector<uint8_t>& scratch : depthwise_scratch_) {
        kernels::qs8_dwconv_fill_scratch(depthwise_shape_, x_zero_point_, x_type_ == DType::Int8, scratch.data());
      }
      checksum_constants_.clear();  // made again for this shape by the first checked run
    }
    plan_shifted_quads();
    if (bit_serial_ && problem_.group == 1) bit_serial_->plan(problem_.plan, threads_);
    const Shape y_shape = conv_output_shape(problem_);
    if (has_residual_) check_residual(require_input(in, kResidual, what()), y_shape, requantization_.y.type);
    outputs.assign(1, TensorSpec{requantization_.y.type, y_shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    if (!depthwise_weights_.empty()) return execute_depthwise(in, out);
    const ConvProblem& p = problem_;
    const int64_t rows = p.out_channels / p.group, channels = p.channels / p.group;
    const int64_t taps = p.plan.kernel[0] * p.plan.kernel[1];
    const int64_t depth = channels * taps, pixels = p.plan.output[0] * p.plan.output[1];
    const int64_t in_plane = p.plan.input[0] * p.plan.input[1];
    const auto* x = static_cast<const uint8_t*>(in[kX]->raw());
    auto* y = static_cast<uint8_t*>(out[0].raw());  // one byte per element, uint8 or int8
    const uint8_t* residual = has_residual_ ? static_cast<const uint8_t*>(in[kResidual]->raw()) : nullptr;
    const LayerRequantization& r = requantization_;
    const kernels::GemmThreadContext& context = kernels::gemm_thread_context();
    // Checks and tile hooks observe the int8 GEMM's sums: with one installed, it runs.
    const bool bit_serial = bit_serial_ && p.group == 1 && !context.check && !context.s32_tile_hook;
    for (int64_t n = 0; n < p.batch; ++n) {
      const uint8_t* image = x + n * p.channels * in_plane;
      const int64_t image_outputs = n * p.out_channels * pixels;
      if (bit_serial && bit_serial_->run(image, y + image_outputs, residual ? residual + image_outputs : nullptr,
                                         residual ? &*residual_add_ : nullptr)) {
        continue;
      }
      if (!phases_.empty()) split_image(image);
      for (int64_t g = 0; g < p.group; ++g) {
        kernels::QS8GemmEpilogue e;
        e.bias = r.bias.empty() ? nullptr : r.bias.data() + g * rows;
        e.per_row_multiplier = r.multipliers.size() > 1;
        e.multiplier = r.multipliers.data() + (e.per_row_multiplier ? g * rows : 0);
        e.b_zero_point = x_zero_point_;
        e.c_zero_point = r.y.zero_point;
        e.c_min = r.y.min;
        e.c_max = r.y.max;
        e.output = r.y.type == DType::UInt8 ? kernels::QS8GemmOutput::U8 : kernels::QS8GemmOutput::S8;
        kernels::QS8GemmB b;
        b.is_signed = x_type_ == DType::Int8;
        const int64_t first = (n * p.out_channels + g * rows) * pixels;  // the group's output rows
        uint8_t* target = y + first;
        kernels::QS8GemmResidual sum;
        if (residual) sum = {residual + first, pixels, *residual_add_};
        if (!phases_.empty()) {  // the quads' phase planes, then the valid columns
          kernels::U8ShiftedQuads shifted;
          shifted.quads = phases_.data() + g * quads_per_group_ * stride_ * stride_ * phase_h_ * phase_w_ * 4;
          shifted.quad_count = quads_per_group_;
          shifted.phase_h = phase_h_;
          shifted.phase_w = phase_w_;
          shifted.kernel_h = p.plan.kernel[0];
          shifted.kernel_w = p.plan.kernel[1];
          shifted.stride = stride_;
          b.packer = kernels::x8_shifted_quad_packer(shifted);
          const int64_t wide = p.plan.output[0] * phase_w_;
          kernels::qs8_gemm(rows, wide, kernels::x8_shifted_quads_depth(shifted), (*packed_)[static_cast<size_t>(g)], b,
                            wide_output_.data(), wide, e, threads_);
          drop_padding_columns(rows, target, residual ? &sum : nullptr);
          continue;
        }
        const kernels::U8ConvPatches patches = gathered_patches(p.plan, image + g * channels * in_plane, channels,
                                                                static_cast<uint8_t>(x_zero_point_), b.is_signed);
        b.packer = kernels::x8_conv_patch_packer(patches);
        if (residual) e.residual = &sum;
        kernels::qs8_gemm(rows, pixels, depth, (*packed_)[static_cast<size_t>(g)], b, target, pixels, e, threads_);
      }
    }
  }

  // The fast path computes any box of rows and columns exactly (integer sums); the
  // residual has the output's.
  std::optional<SpatialDependence> spatial_dependence(const OpInputs& in) const override {
    if ((!packed_ && depthwise_weights_.empty()) || !has_input(in, kX) || !has_input(in, kW) || in[kX]->rank() != 4) {
      return std::nullopt;
    }
    std::optional<SpatialDependence> dependence =
        window_dependence(window_, resolve_conv(*in[kX], *in[kW], nullptr, window_, group_, what()).plan, in.size());
    if (dependence && has_residual_ && kResidual < in.size()) {
      dependence->roles[kResidual] = SpatialDependence::Role::Aligned;
    }
    return dependence;
  }

  std::string algorithm() const override {
    if (!depthwise_weights_.empty()) return std::string("depthwise ") + depthwise_kernel_->name;
    if (!packed_) return {};
    if (bit_serial_ && !bit_serial_->algorithm().empty()) return bit_serial_->algorithm();
    return std::string("implicit_gemm ") + packed_->front().kernel_name();
  }

 private:
  const std::string& what() const { return conv_.what(); }

  // Strides 1 and 2 (the same in both dimensions) without dilation, other than a plain 1x1
  // (which reads its input in place): the image padded and split into phase planes of
  // channel quads once per inference (kernels/x8_conv_patches.h), the weights packed tap by
  // tap to match, and the product over the phase width. Decided from the attributes alone.
  static bool uses_shifted_quads(const WindowAttributes& window, int64_t kernel_h, int64_t kernel_w) {
    auto all = [](const Shape& values, int64_t value) {
      return std::all_of(values.begin(), values.end(), [&](int64_t v) { return v == value; });
    };
    const Shape& strides = window.strides;
    const int64_t s = strides.empty() ? 1 : strides[0];
    if (!all(strides, s) || s > 2 || !all(window.dilations, 1)) return false;
    const bool padded = window.auto_pad == "NOTSET" ? !all(window.pads, 0) : false;
    return !(kernel_h == 1 && kernel_w == 1 && s == 1 && !padded);
  }

  void plan_shifted_quads() {
    const WindowPlan& w = problem_.plan;
    phases_.clear();
    if (!shifted_quads_) return;
    const int64_t s = w.strides[0];
    stride_ = s;
    padded_h_ = (w.output[0] - 1) * s + w.kernel[0];
    padded_w_ = (w.output[1] - 1) * s + w.kernel[1];
    phase_h_ = (padded_h_ + s - 1) / s;
    phase_w_ = (padded_w_ + s - 1) / s;
    const int64_t rows = problem_.out_channels / problem_.group;
    // The border, the padding channels and the slack the packer's reads pass into hold x's
    // zero point (its sign bit flipped for int8) for good: every inference writes the same
    // interior positions.
    const int64_t bytes = problem_.group * quads_per_group_ * s * s * phase_h_ * phase_w_ * 4;
    phases_.assign(static_cast<size_t>(bytes + 4 * (w.kernel[1] + 64)), x_pad_byte());
    wide_output_.assign(static_cast<size_t>(rows * w.output[0] * phase_w_), 0);
  }

  uint8_t x_pad_byte() const { return static_cast<uint8_t>(x_zero_point_ ^ (x_type_ == DType::Int8 ? 0x80 : 0x00)); }

  // The image (all channels) into the interiors of its quads' phase planes: four channel
  // rows interleaved at a time (kernels/x8_interleave.h), at stride 2 each row first
  // split into its even and odd columns (kernels/x8_deinterleave.h).
  void split_image(const uint8_t* image) {
    const WindowPlan& w = problem_.plan;
    const int64_t in_h = w.input[0], in_w = w.input[1], top = w.pads_begin[0], left = w.pads_begin[1];
    const int64_t s = stride_, plane = phase_h_ * phase_w_;
    const int64_t first = std::max<int64_t>(0, -left), last = std::min(in_w, padded_w_ - left);
    const int64_t channels = problem_.channels / problem_.group, quads = problem_.group * quads_per_group_;
    const uint8_t flip = x_type_ == DType::Int8 ? 0x80 : 0x00;
    if (last <= first) return;
    const int64_t count = last - first, p0 = first + left;  // p0: the padded column of the first pixel copied
    parallel_for(quads, threads_, [&](int64_t quad) {
      const int64_t group = quad / quads_per_group_, channel0 = quad % quads_per_group_ * 4;
      // Per channel of the quad: its even and odd columns (stride 2), or its row; a padding
      // channel reads the zero point.
      std::vector<uint8_t> split(static_cast<size_t>(8 * (count / 2 + 1)));
      const std::vector<uint8_t> filler(static_cast<size_t>(count), static_cast<uint8_t>(x_zero_point_));
      for (int64_t iy = std::max<int64_t>(0, -top); iy < in_h && iy + top < padded_h_; ++iy) {
        const int64_t py = iy + top;
        if (s == 2 && py % 2 >= w.kernel[0]) continue;  // rows of phases no tap reads (a 1-high kernel's odd ones)
        const uint8_t* rows[4];
        for (int q = 0; q < 4; ++q) {
          const int64_t channel = channel0 + q;
          rows[q] =
              channel < channels ? image + ((group * channels + channel) * in_h + iy) * in_w + first : filler.data();
        }
        uint8_t* quad_planes = phases_.data() + quad * s * s * plane * 4;
        if (s == 1) {
          kernels::interleave_four_rows(rows, count, flip, quad_planes + (py * phase_w_ + p0) * 4);
          continue;
        }
        const int64_t half = count / 2 + 1;
        const uint8_t* evens[4];
        const uint8_t* odds[4];
        for (int q = 0; q < 4; ++q) {
          uint8_t* even = split.data() + 2 * q * half;
          kernels::x8_deinterleave(rows[q], count, even, even + half);
          evens[q] = even;
          odds[q] = even + half;
        }
        // Source columns first, first + 2, ... land in phase column p0 % 2 from p0 / 2; the
        // others in the other phase from (p0 + 1) / 2.
        uint8_t* row = quad_planes + ((py % 2) * 2 * plane + (py / 2) * phase_w_) * 4;
        kernels::interleave_four_rows(evens, (count + 1) / 2, flip, row + ((p0 % 2) * plane + p0 / 2) * 4);
        kernels::interleave_four_rows(odds, count / 2, flip, row + (((p0 + 1) % 2) * plane + (p0 + 1) / 2) * 4);
      }
    });
  }

  // The product's valid columns (out_w of every phase_w) into the output rows, each with
  // the residual added on the way when there is one.
  void drop_padding_columns(int64_t rows, uint8_t* y, const kernels::QS8GemmResidual* residual) const {
    const int64_t out_h = problem_.plan.output[0], out_w = problem_.plan.output[1];
    parallel_for(rows, threads_, [&](int64_t m) {
      const uint8_t* wide = wide_output_.data() + m * out_h * phase_w_;
      uint8_t* target = y + m * out_h * out_w;
      if (residual) {
        kernels::qs8_add_rows(residual->add, out_h, out_w, wide, phase_w_, residual->data + m * out_h * out_w, out_w,
                              target, out_w);
        return;
      }
      for (int64_t oy = 0; oy < out_h; ++oy) {
        std::memcpy(target + oy * out_w, wide + oy * phase_w_, static_cast<size_t>(out_w));
      }
    });
  }

  // Packs the weights when everything but x is constant and the layer suits the GEMM.
  void prepare_fast_path(const OpCreateInfo& info) {
    const Node& node = info.node;
    auto constant = [&](size_t index) -> const Tensor* {
      return index < node.inputs.size() && !node.inputs[index].empty() ? info.find_constant(node.inputs[index])
                                                                       : nullptr;
    };
    auto absent_or_constant = [&](size_t index) {
      return index >= node.inputs.size() || node.inputs[index].empty() || constant(index) != nullptr;
    };
    const Tensor* w = constant(kW);
    if (!w || w->dtype() != DType::Int8 || w->rank() != 4 || !constant(kXScale) || !constant(kWScale) ||
        !constant(kYScale) || !absent_or_constant(kXZeroPoint) || !absent_or_constant(kWZeroPoint) ||
        !absent_or_constant(kYZeroPoint) || !absent_or_constant(kBias) || !absent_or_constant(kBiasScale) ||
        (has_residual_ && (!constant(kResidualScale) || !absent_or_constant(kResidualZeroPoint) ||
                           !constant(kSumScale) || !absent_or_constant(kSumZeroPoint)))) {
      return;
    }
    if (const Tensor* w_zero_point = constant(kWZeroPoint)) {
      const std::vector<double> zeros = w_zero_point->to_double_vector();
      if (std::any_of(zeros.begin(), zeros.end(), [](double z) { return z != 0; })) return;
    }
    const Tensor* x_zero_point = constant(kXZeroPoint);
    x_type_ = x_zero_point ? x_zero_point->dtype() : DType::UInt8;
    if (!is_8_bit(x_type_)) return;
    x_zero_point_ = scalar_zero_point(x_zero_point, what(), "x_zero_point");
    requantization_ =
        read_requantization(*constant(kXScale), *w, *constant(kWScale), *constant(kYScale), constant(kYZeroPoint),
                            constant(kBias), constant(kBiasScale), activation_, what());
    if (has_residual_) {
      residual_add_ = residual_add(*constant(kYScale), constant(kYZeroPoint), *constant(kResidualScale),
                                   constant(kResidualZeroPoint), *constant(kSumScale), constant(kSumZeroPoint),
                                   requantization_.y.type);
    }
    check_input(group_ >= 1 && w->dim(0) % group_ == 0, what(), ": W has ", w->dim(0), " filters for group ", group_);
    const int64_t rows = w->dim(0) / group_;
    if (group_ > 1 && rows == 1 && w->dim(1) == 1) {  // depthwise: the direct kernel
      depthwise_weights_.assign(w->data<int8_t>(), w->data<int8_t>() + w->numel());
      loaded_weights_ = depthwise_weights_;
      return;
    }
    shifted_quads_ = uses_shifted_quads(window_, w->dim(2), w->dim(3));
    quads_per_group_ = shifted_quads_ ? (w->dim(1) + 3) / 4 : 0;
    // Sessions over the same weights share the packing (core/shared_preparation.h).
    packed_ = shifted_quads_ ? shared_preparation<std::vector<kernels::QS8PackedWeights>>(
                                   *w, str_cat("tap-major ", group_), [&] { return pack_tap_major(*w); })
                             : shared_gemm_weights(*w, group_);
    prepare_bit_serial(*w);
  }

  // The bit-serial path for weights of one or two bit planes (ops/quantized/bit_serial_conv.h),
  // with the int8 GEMM's row epilogues: the same offsets, multipliers and bounds. A low-bit
  // layer it does not suit is named in a warning (at info level where the reason is that
  // this CPU's int8 kernel is faster).
  void prepare_bit_serial(const Tensor& w) {
    const LayerRequantization& r = requantization_;
    const int64_t rows = w.dim(0), depth = w.numel() / rows;
    std::vector<kernels::QS8RowEpilogue> epilogues =
        bit_serial_row_epilogues(w.data<int8_t>(), rows, depth, r.bias, r.multipliers, x_zero_point_);
    std::string refusal;
    bool cpu_refusal = false;
    bit_serial_ = BitSerialConv::prepare(w.data<int8_t>(), rows, w.dim(1), w.dim(2), w.dim(3), group_,
                                         x_type_ == DType::Int8, std::move(epilogues), bit_serial_output(r.y),
                                         static_cast<uint8_t>(x_zero_point_), refusal, cpu_refusal);
    report_bit_serial_refusal(what(), refusal, cpu_refusal);
  }

  // The weights of each group packed for shifted quads, tap by tap, channels in quads
  // (kernels/x8_conv_patches.h): column (tap x quads + q) x 4 + i holds channel 4q + i at
  // that tap, zero for a padding channel.
  std::unique_ptr<std::vector<kernels::QS8PackedWeights>> pack_tap_major(const Tensor& w) const {
    auto packed = std::make_unique<std::vector<kernels::QS8PackedWeights>>();
    const int64_t rows = w.dim(0) / group_, depth = w.numel() / w.dim(0);
    const int64_t taps = w.dim(2) * w.dim(3), channels = w.dim(1);
    const int64_t tap_depth = taps * quads_per_group_ * 4;
    std::vector<int8_t> tap_major(static_cast<size_t>(rows * tap_depth));
    for (int64_t g = 0; g < group_; ++g) {
      const int8_t* weights = w.data<int8_t>() + g * rows * depth;
      std::fill(tap_major.begin(), tap_major.end(), int8_t{0});
      for (int64_t m = 0; m < rows; ++m) {
        for (int64_t c = 0; c < channels; ++c) {
          for (int64_t t = 0; t < taps; ++t) {
            tap_major[static_cast<size_t>(m * tap_depth + t * quads_per_group_ * 4 + c)] =
                weights[(m * channels + c) * taps + t];
          }
        }
      }
      packed->emplace_back(rows, tap_depth, tap_major.data(), tap_depth);
    }
    return packed;
  }

  void execute_depthwise(const OpInputs& in, OpOutputs& out) {
    const ConvProblem& p = problem_;
    const LayerRequantization& r = requantization_;
    const int64_t in_plane = p.plan.input[0] * p.plan.input[1], out_plane = p.plan.output[0] * p.plan.output[1];
    const int64_t taps = p.plan.kernel[0] * p.plan.kernel[1], units = p.batch * p.channels;
    const auto* x = static_cast<const uint8_t*>(in[kX]->raw());
    auto* y = static_cast<uint8_t*>(out[0].raw());
    const uint8_t* residual = has_residual_ ? static_cast<const uint8_t*>(in[kResidual]->raw()) : nullptr;
    kernels::GemmCheckSink* const check = kernels::gemm_thread_context().check;
    if (check && checksum_constants_.empty()) make_checksums();
    const int64_t checksum_size = taps_checksum_size();
    kernels::DepthwisePlaneFailures failures(units);
    parallel_for(units, threads_, [&](int64_t unit) {
      const int64_t c = unit % p.channels;
      kernels::QS8DwconvChannel channel;
      channel.weights = depthwise_weights_.data() + c * taps;
      channel.bias = r.bias.empty() ? 0 : r.bias[c];
      channel.multiplier = r.multipliers[r.multipliers.size() == 1 ? 0 : c];
      channel.x_zero_point = x_zero_point_;
      channel.y_zero_point = r.y.zero_point;
      channel.y_min = r.y.min;
      channel.y_max = r.y.max;
      const kernels::QS8DwconvChecksum checksum =
          check ? kernels::QS8DwconvChecksum{checksum_weights_.data() + c * checksum_size,
                                             checksum_constants_[static_cast<size_t>(c)]}
                : kernels::QS8DwconvChecksum{};
      const bool agrees = kernels::qs8_dwconv_channel(
          depthwise_shape_, *depthwise_kernel_, x + unit * in_plane, x_type_ == DType::Int8, channel,
          y + unit * out_plane, depthwise_scratch_[parallel_worker()].data(), check ? &checksum : nullptr);
      if (!agrees) failures.record(unit);
      if (residual) {
        uint8_t* plane = y + unit * out_plane;
        kernels::qs8_add(*residual_add_, out_plane, plane, residual + unit * out_plane, plane);
      }
    });
    if (check) check->add(failures.tally(p.plan.kernel[0], p.plan.kernel[1], "n int8"));
  }

  // A channel's weights of its plane checksum (kernels/qs8_dwconv.h).
  int64_t taps_checksum_size() const { return kernels::qs8_dwconv_checksum_size(depthwise_shape_); }

  // Every channel's checksum, from the weights as loaded: a corruption of the working copy
  // changes the sums but not the prediction.
  void make_checksums() {
    const int64_t channels = problem_.channels, taps = depthwise_shape_.kernel_h * depthwise_shape_.kernel_w;
    const LayerRequantization& r = requantization_;
    checksum_weights_.resize(static_cast<size_t>(channels * taps_checksum_size()));
    checksum_constants_.resize(static_cast<size_t>(channels));
    for (int64_t c = 0; c < channels; ++c) {
      checksum_constants_[static_cast<size_t>(c)] = kernels::qs8_dwconv_make_checksum(
          depthwise_shape_, loaded_weights_.data() + c * taps, r.bias.empty() ? 0 : r.bias[c], x_zero_point_,
          x_type_ == DType::Int8, checksum_weights_.data() + c * taps_checksum_size());
    }
  }

  void run_reference(const OpInputs& in, OpOutputs& out) const {
    const Tensor& w = require_input(in, kW, what());
    const LayerRequantization r =
        read_requantization(require_input(in, kXScale, what()), w, require_input(in, kWScale, what()),
                            require_input(in, kYScale, what()), optional_input(in, kYZeroPoint),
                            optional_input(in, kBias), optional_input(in, kBiasScale), activation_, what());
    Tensor bias;
    if (!r.bias.empty()) {
      bias = Tensor(DType::Int32, {static_cast<int64_t>(r.bias.size())});
      std::copy(r.bias.begin(), r.bias.end(), bias.data<int32_t>());
    }
    ConvProblem problem;
    const std::vector<int32_t> sums =
        conv_.sums(require_input(in, kX, what()), optional_input(in, kXZeroPoint), w, optional_input(in, kWZeroPoint),
                   r.bias.empty() ? nullptr : &bias, problem);
    const Shape y_shape = conv_output_shape(problem);
    out[0] = Tensor(r.y.type, y_shape);
    const int64_t plane = shape_numel(y_shape) / std::max<int64_t>(1, problem.batch * problem.out_channels);
    auto* y = static_cast<uint8_t*>(out[0].raw());
    for (size_t i = 0; i < sums.size(); ++i) {
      const size_t channel = r.multipliers.size() == 1 ? 0 : static_cast<size_t>(i / plane % problem.out_channels);
      const int32_t value = kernels::requantize(sums[i], r.multipliers[channel], r.y.zero_point, r.y.min, r.y.max);
      y[i] = static_cast<uint8_t>(value);  // the byte of the uint8 or int8 value
    }
    if (!has_residual_) return;
    const Tensor& residual = require_input(in, kResidual, what());
    check_residual(residual, y_shape, r.y.type);
    const kernels::QS8AddParameters add =
        residual_add(require_input(in, kYScale, what()), optional_input(in, kYZeroPoint),
                     require_input(in, kResidualScale, what()), optional_input(in, kResidualZeroPoint),
                     require_input(in, kSumScale, what()), optional_input(in, kSumZeroPoint), r.y.type);
    kernels::qs8_add(add, out[0].numel(), y, static_cast<const uint8_t*>(residual.raw()), y);
  }

  // The fused Add's parameters: the convolution's output (on y's grid) plus the residual,
  // onto the sum's grid, all three of y's type.
  kernels::QS8AddParameters residual_add(const Tensor& y_scale, const Tensor* y_zero_point, const Tensor& r_scale,
                                         const Tensor* r_zero_point, const Tensor& sum_scale,
                                         const Tensor* sum_zero_point, DType y_type) const {
    const DType sum_type = sum_zero_point ? sum_zero_point->dtype() : DType::UInt8;
    const DType r_type = r_zero_point ? r_zero_point->dtype() : DType::UInt8;
    check_input(sum_type == y_type && r_type == y_type, what(), ": the residual (", dtype_name(r_type),
                ") and the sum (", dtype_name(sum_type), ") must be of y's type, ", dtype_name(y_type));
    return read_q8_add_parameters(y_scale, y_zero_point, r_scale, r_zero_point, sum_scale, sum_zero_point,
                                  sum_activation_, what());
  }

  void check_residual(const Tensor& residual, const Shape& y_shape, DType y_type) const {
    check_input(residual.shape() == y_shape && residual.dtype() == y_type, what(), ": the residual is ",
                dtype_name(residual.dtype()), " ", shape_to_string(residual.shape()), ", the output ",
                dtype_name(y_type), " ", shape_to_string(y_shape));
  }

  IntegerConv conv_;
  kernels::ActivationSpec activation_, sum_activation_;
  bool has_residual_;
  WindowAttributes window_;
  int64_t group_;
  int threads_;
  // The fast path, prepared at creation.
  std::shared_ptr<const std::vector<kernels::QS8PackedWeights>> packed_;  // shared with other sessions
  std::vector<int8_t> depthwise_weights_;                                 // channels x kh x kw, for the direct kernel
  // The same as loaded, and the planes' checksums made from them (ABFT; made by the first
  // checked run after each plan).
  std::vector<int8_t> loaded_weights_;
  std::vector<int16_t> checksum_weights_;     // channels x taps_checksum_size()
  std::vector<uint32_t> checksum_constants_;  // per channel
  LayerRequantization requantization_;
  std::optional<kernels::QS8AddParameters> residual_add_;  // of the fused Add, with the fast path
  DType x_type_ = DType::UInt8;
  int32_t x_zero_point_ = 0;
  ConvProblem problem_{};  // planned
  kernels::QS8DwconvShape depthwise_shape_;
  const kernels::QS8DwconvKernel* depthwise_kernel_ = &kernels::qs8_dwconv_kernels().best({});
  bool shifted_quads_ = false;        // the weights packed tap by tap for the phase planes of quads
  int64_t quads_per_group_ = 0;       // channel quads per group
  std::vector<uint8_t> phases_;       // strides 1, 2: the padded image's quads' phase planes; or empty
  std::vector<uint8_t> wide_output_;  // the product over the phase width
  int64_t stride_ = 1, padded_h_ = 0, padded_w_ = 0, phase_h_ = 0, phase_w_ = 0;
  std::vector<std::vector<uint8_t>> depthwise_scratch_;  // one padded plane per thread
  std::unique_ptr<BitSerialConv> bit_serial_;            // weights of one or two bit planes; or null
};

// Without y_scale the output is float32 (ops/quantized/q_conv_to_float.h).
std::unique_ptr<Operator> create_q_conv(const OpCreateInfo& info) {
  const std::vector<std::string>& inputs = info.node.inputs;
  if (inputs.size() <= kYScale || inputs[kYScale].empty()) return create_q_conv_to_float(info);
  return std::make_unique<QConvOperator>(info);
}

}  // namespace

void register_vigil_qconv_operator(OpRegistry& registry) { registry.add("vigil", "QConv", create_q_conv); }

}  // namespace vigil

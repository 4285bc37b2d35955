// SPDX-License-Identifier: Apache-2.0
// vigil.QGemm: the integer matrix product of a QDQ Gemm or MatMul group
// (graph/passes/fuse_qdq.cc). Inputs: a, a_scale, a_zero_point (per tensor), b, b_scale,
// b_zero_point (constant 2-D int8 or uint8 weights, per tensor or per output column),
// y_scale, y_zero_point (absent: the output is float32, as when the group's result leaves
// the quantized graph), bias, bias_scale (int32 with its scale, or float32); attribute
// transB (b is N x K) and an absorbed Relu or Clip (`activation`, quantized outputs only).
// a is (..., K); y is (..., N).
//
//   quantized: y = clamp(y_zero_point + round((sum + bias) x a_scale x b_scale[c] / y_scale))
//   float:     y = sum x a_scale x b_scale[c] + bias (dequantized), as the float group does
// where sum = sum_k (a - a_zero_point)(b - b_zero_point[c]).
//
// a's scale and zero point may be run-time values when the output is float (dynamic
// quantization, graph/passes/fuse_dynamic_matmul.cc); everything else must be constant.
// Fast path, for int8 weights of zero point 0: the int8 GEMM (kernels/qs8_gemm.h) with the
// weights as its packed A (N x K) and a's rows as the columns of its B, so it computes
// y^T (N x rows); one row is written in place, more go through scratch and a transpose.
// Weights of one or two bit planes with a quantized output run bit-serial when a's values
// fit few planes (ops/quantized/bit_serial_matmul.h), to the same bytes.
// Otherwise the reference: exact int32 sums, then kernels::requantize.
#include <algorithm>

#include "core/shared_preparation.h"
#include "core/thread_pool.h"
#include "kernels/gemm_check.h"
#include "kernels/qs8_gemm.h"
#include "kernels/s32_dequantize_transpose.h"
#include "ops/families.h"
#include "ops/fused_activation.h"
#include "ops/quantized/bit_serial_matmul.h"
#include "ops/quantized/bit_serial_policy.h"
#include "ops/quantized/output_requantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum Input { kA, kAScale, kAZeroPoint, kB, kBScale, kBZeroPoint, kYScale, kYZeroPoint, kBias, kBiasScale };

const Tensor* optional_input(const OpInputs& in, size_t index) { return has_input(in, index) ? in[index] : nullptr; }

// What every path needs, read from the inputs once they are known.
struct GemmParameters {
  float a_scale = 1.0f;
  int32_t a_zero_point = 0;
  DType a_type = DType::UInt8;
  std::vector<int8_t> weights;              // N x K, row-major (transB resolved); uint8 stored minus 128
  std::vector<int32_t> weight_zero_points;  // per column (N) or one
  std::vector<float> weight_scales;         // per column (N) or one
  int64_t depth = 0, columns = 0;           // K, N
  bool quantized_output = false;
  OutputRequantization y;
  std::vector<kernels::FixedPointMultiplier> multipliers;
  std::vector<int32_t> integer_bias;  // quantized output: on the sum's grid
  std::vector<float> float_bias;      // float output: dequantized
};

class QGemmOperator final : public Operator {
 public:
  explicit QGemmOperator(const OpCreateInfo& info)
      : what_(info.describe()),
        transposed_(info.attributes().get_int("transB", 0) != 0),
        activation_(read_fused_activation(info.attributes(), what_)),
        threads_(std::max(1, info.threads)) {
    const Node& node = info.node;
    OpInputs constants(node.inputs.size(), nullptr);
    // a's scale and zero point may come at run time (dynamic quantization) when the output
    // is float: they only scale the sums then.
    const bool float_output = node.inputs.size() <= kYScale || node.inputs[kYScale].empty();
    bool all_constant = true;
    for (size_t i = 0; i < node.inputs.size(); ++i) {
      if (i == kA || node.inputs[i].empty()) continue;
      constants[i] = info.find_constant(node.inputs[i]);
      const bool of_a = i == kAScale || i == kAZeroPoint;
      if (!constants[i] && of_a && float_output) dynamic_a_ = true;
      all_constant = all_constant && (constants[i] != nullptr || (of_a && float_output));
    }
    if (!all_constant) return;
    const Tensor unit_scale = Tensor::scalar<float>(1.0f), uint8_zero = Tensor::scalar<uint8_t>(0);
    if (dynamic_a_) {  // placeholders until run time
      constants[kAScale] = &unit_scale;
      if (kAZeroPoint < constants.size() && !node.inputs[kAZeroPoint].empty()) constants[kAZeroPoint] = &uint8_zero;
    }
    parameters_ = read(constants, nullptr);
    const bool symmetric = std::all_of(parameters_.weight_zero_points.begin(), parameters_.weight_zero_points.end(),
                                       [](int32_t z) { return z == 0; });
    if (constants[kB]->dtype() == DType::Int8 && symmetric) {
      // Sessions over the same weights share the packing (core/shared_preparation.h).
      packed_ = shared_preparation<kernels::QS8PackedWeights>(*constants[kB], transposed_ ? "transB" : "as is", [&] {
        return std::make_unique<kernels::QS8PackedWeights>(parameters_.columns, parameters_.depth,
                                                           parameters_.weights.data(), parameters_.depth);
      });
      if (parameters_.quantized_output && parameters_.a_type == DType::UInt8 && !dynamic_a_) prepare_bit_serial();
    }
  }

  // The bit-serial path for weights of one or two bit planes (ops/quantized/bit_serial_matmul.h),
  // with the int8 GEMM's row epilogues; a low-bit layer it does not suit is named.
  void prepare_bit_serial() {
    const GemmParameters& p = parameters_;
    std::string refusal;
    bool cpu_refusal = false;
    bit_serial_ = BitSerialMatMul::prepare(
        p.weights.data(), p.columns, p.depth,
        bit_serial_row_epilogues(p.weights.data(), p.columns, p.depth, p.integer_bias, p.multipliers, p.a_zero_point),
        bit_serial_output(p.y), static_cast<uint8_t>(p.a_zero_point), refusal, cpu_refusal);
    report_bit_serial_refusal(what_, refusal, cpu_refusal);
  }

  void run(const OpInputs& in, OpOutputs& out) override {
    if (packed_) return Operator::run(in, out);
    const GemmParameters p = read(in, &require_input(in, kA, what_));
    const Tensor& a = *in[kA];
    const int64_t rows = a.numel() / p.depth;
    const std::vector<int32_t> a_values = int32_values(a, what_);
    out[0] = Tensor(p.quantized_output ? p.y.type : DType::Float32, output_shape(a.shape(), p.columns));
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t c = 0; c < p.columns; ++c) {
        const int32_t zero_point = p.weight_zero_points[p.weight_zero_points.size() == 1 ? 0 : c];
        int32_t sum = 0;
        for (int64_t k = 0; k < p.depth; ++k) {
          sum += (a_values[r * p.depth + k] - p.a_zero_point) * (p.weights[c * p.depth + k] - zero_point);
        }
        store(p, sum, r, c, out[0]);
      }
    }
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!packed_) return false;
    if (dynamic_a_) read_a(parameters_, in);
    const Tensor& a = require_input(in, kA, what_);
    check_input(a.dtype() == parameters_.a_type, what_, ": a is ", dtype_name(a.dtype()), ", its zero point ",
                dtype_name(parameters_.a_type));
    check_input(a.rank() >= 1 && a.shape().back() == parameters_.depth, what_, ": a ", shape_to_string(a.shape()),
                " must end in K = ", parameters_.depth);
    rows_ = a.numel() / parameters_.depth;
    const bool in_place = rows_ == 1 && parameters_.quantized_output;
    scratch_.resize(in_place ? 0 : static_cast<size_t>(rows_ * parameters_.columns));
    column_scales_.resize(static_cast<size_t>(parameters_.columns));
    outputs.assign(1, TensorSpec{parameters_.quantized_output ? parameters_.y.type : DType::Float32,
                                 output_shape(a.shape(), parameters_.columns)});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    if (dynamic_a_) read_a(parameters_, in);
    const GemmParameters& p = parameters_;
    const kernels::GemmThreadContext& context = kernels::gemm_thread_context();
    // Checks and tile hooks observe the int8 GEMM's sums: with one installed, it runs.
    if (bit_serial_ && !context.check && !context.s32_tile_hook) {
      uint8_t* y_t =
          scratch_.empty() ? static_cast<uint8_t*>(out[0].raw()) : reinterpret_cast<uint8_t*>(scratch_.data());
      if (bit_serial_->run(static_cast<const uint8_t*>(in[kA]->raw()), rows_, y_t, threads_)) {
        if (!scratch_.empty()) transpose_bytes(static_cast<uint8_t*>(out[0].raw()));
        return;
      }
    }
    kernels::QS8GemmB b;
    b.data = in[kA]->raw();
    b.ld = p.depth;
    b.transposed = true;  // B(k, row) = a[row * K + k]
    b.is_signed = p.a_type == DType::Int8;
    kernels::QS8GemmEpilogue e;
    e.b_zero_point = p.a_zero_point;
    if (p.quantized_output) {
      e.bias = p.integer_bias.empty() ? nullptr : p.integer_bias.data();
      e.per_row_multiplier = p.multipliers.size() > 1;
      e.multiplier = p.multipliers.data();
      e.c_zero_point = p.y.zero_point;
      e.c_min = p.y.min;
      e.c_max = p.y.max;
      e.output = p.y.type == DType::UInt8 ? kernels::QS8GemmOutput::U8 : kernels::QS8GemmOutput::S8;
    } else {
      e.output = kernels::QS8GemmOutput::I32;
    }
    if (scratch_.empty()) {  // one row, quantized: y^T is y
      kernels::qs8_gemm(p.columns, 1, p.depth, *packed_, b, out[0].raw(), 1, e, threads_);
      return;
    }
    // y^T into scratch (int32 sums, or bytes packed at the front), then y in blocks of 16
    // rows: floats by kernels/s32_dequantize_transpose.h, bytes in tiles of 16 x 16 so
    // that both sides stay in cache lines.
    kernels::qs8_gemm(p.columns, rows_, p.depth, *packed_, b, scratch_.data(), rows_, e, threads_);
    constexpr int64_t kTile = 16;
    const bool parallel = threads_ > 1 && rows_ * p.columns >= 32768;
    const int64_t row_tiles = (rows_ + kTile - 1) / kTile;
    if (!p.quantized_output) {
      for (int64_t c = 0; c < p.columns; ++c) {
        column_scales_[c] = p.a_scale * p.weight_scales[p.weight_scales.size() == 1 ? 0 : c];
      }
      const float* bias = p.float_bias.empty() ? nullptr : p.float_bias.data();
      parallel_ranges(row_tiles, parallel ? threads_ : 1, [&](int64_t first, int64_t last) {
        for (int64_t r0 = first * kTile; r0 < std::min(rows_, last * kTile); r0 += kTile) {
          kernels::s32_dequantize_transpose(std::min(kTile, rows_ - r0), p.columns, scratch_.data() + r0, rows_,
                                            column_scales_.data(), bias, out[0].data<float>() + r0 * p.columns,
                                            p.columns);
        }
      });
      return;
    }
    transpose_bytes(static_cast<uint8_t*>(out[0].raw()));
  }

  // y from the bytes of y^T in scratch (N x rows), in tiles of 16 x 16 so that both sides
  // stay in cache lines.
  void transpose_bytes(uint8_t* y) const {
    const GemmParameters& p = parameters_;
    constexpr int64_t kTile = 16;
    const bool parallel = threads_ > 1 && rows_ * p.columns >= 32768;
    const int64_t row_tiles = (rows_ + kTile - 1) / kTile;
    const auto* bytes = reinterpret_cast<const uint8_t*>(scratch_.data());
    parallel_ranges(row_tiles, parallel ? threads_ : 1, [&](int64_t first, int64_t last) {
      for (int64_t r0 = first * kTile; r0 < std::min(rows_, last * kTile); r0 += kTile) {
        for (int64_t c0 = 0; c0 < p.columns; c0 += kTile) {
          const int64_t r1 = std::min(rows_, r0 + kTile), c1 = std::min(p.columns, c0 + kTile);
          for (int64_t r = r0; r < r1; ++r) {
            for (int64_t c = c0; c < c1; ++c) y[r * p.columns + c] = bytes[c * rows_ + r];
          }
        }
      }
    });
  }

  std::string algorithm() const override {
    if (bit_serial_ && !bit_serial_->algorithm().empty()) return bit_serial_->algorithm();
    return packed_ ? std::string("gemm ") + packed_->kernel_name() : std::string();
  }

 private:
  static Shape output_shape(Shape shape, int64_t columns) {
    shape.back() = columns;
    return shape;
  }

  static float dequantized(const GemmParameters& p, int32_t sum, int64_t c) {
    const float scale = p.a_scale * p.weight_scales[p.weight_scales.size() == 1 ? 0 : c];
    return static_cast<float>(sum) * scale + (p.float_bias.empty() ? 0.0f : p.float_bias[c]);
  }

  static void store(const GemmParameters& p, int32_t sum, int64_t r, int64_t c, Tensor& y) {
    if (!p.quantized_output) {
      y.data<float>()[r * p.columns + c] = dequantized(p, sum, c);
      return;
    }
    const int32_t biased = sum + (p.integer_bias.empty() ? 0 : p.integer_bias[c]);
    const int32_t value =
        kernels::requantize(biased, p.multipliers[p.multipliers.size() == 1 ? 0 : c], p.y.zero_point, p.y.min, p.y.max);
    static_cast<uint8_t*>(y.raw())[r * p.columns + c] = static_cast<uint8_t>(value);
  }

  // a's scale, zero point and type (allocates nothing: execute() calls it for dynamic a).
  void read_a(GemmParameters& p, const OpInputs& in) const {
    p.a_scale = scalar_scale(require_input(in, kAScale, what_), what_, "a_scale");
    const Tensor* a_zero_point = optional_input(in, kAZeroPoint);
    p.a_zero_point = scalar_zero_point(a_zero_point, what_, "a_zero_point");
    p.a_type = a_zero_point ? a_zero_point->dtype() : DType::UInt8;
  }

  // The parameters from `in` (constants at creation); `a` is checked when given.
  GemmParameters read(const OpInputs& in, const Tensor* a) const {
    GemmParameters p;
    const Tensor& b = require_input(in, kB, what_);
    check_input(b.rank() == 2 && is_8_bit(b.dtype()), what_, ": b must be 2-D uint8 or int8");
    p.columns = transposed_ ? b.dim(0) : b.dim(1);
    p.depth = transposed_ ? b.dim(1) : b.dim(0);
    read_a(p, in);
    if (a) {
      check_input(a->dtype() == p.a_type && a->rank() >= 1 && a->shape().back() == p.depth, what_, ": a ",
                  shape_to_string(a->shape()), " ", dtype_name(a->dtype()), " must be ", dtype_name(p.a_type),
                  " ending in K = ", p.depth);
    }
    // Weights as N x K, and their parameters per column: along axis 0 of N x K, 1 of K x N.
    const std::vector<int32_t> values = int32_values(b, what_);
    p.weights.resize(static_cast<size_t>(p.columns * p.depth));
    for (int64_t c = 0; c < p.columns; ++c) {
      for (int64_t k = 0; k < p.depth; ++k) {
        const int32_t v = values[transposed_ ? c * p.depth + k : k * p.columns + c];
        p.weights[c * p.depth + k] = static_cast<int8_t>(b.dtype() == DType::UInt8 ? v - 128 : v);
      }
    }
    const QuantizationParameters weights(b.shape(), &require_input(in, kBScale, what_), optional_input(in, kBZeroPoint),
                                         transposed_ ? 0 : 1, what_);
    for (int64_t c = 0; c < weights.channels(); ++c) {
      p.weight_scales.push_back(weights.scale(c));
      // uint8 weights were stored minus 128 above; their zero point moves with them.
      p.weight_zero_points.push_back(weights.zero_point(c) - (b.dtype() == DType::UInt8 ? 128 : 0));
    }
    const Tensor* bias = optional_input(in, kBias);
    p.quantized_output = has_input(in, kYScale);
    if (p.quantized_output) {
      p.y = OutputRequantization::read(*in[kYScale], optional_input(in, kYZeroPoint), activation_, what_);
      p.multipliers = channel_multipliers(p.a_scale, weights, p.y.scale);
      p.integer_bias = integer_bias(bias, optional_input(in, kBiasScale), p.a_scale, weights, p.columns, what_);
    } else {
      check_input(activation_.kind == kernels::Activation::None, what_, ": a float output absorbs no activation");
      if (bias) {
        check_input(bias->numel() == p.columns, what_, ": the bias must have N = ", p.columns, " values");
        const std::vector<double> bias_values = bias->to_double_vector();
        const Tensor* bias_scale = optional_input(in, kBiasScale);
        const QuantizationParameters bias_parameters(bias->shape(), bias_scale, nullptr, 0, what_);
        for (int64_t c = 0; c < p.columns; ++c) {
          const float scale = bias_scale ? bias_parameters.scale(bias_parameters.channels() == 1 ? 0 : c) : 1.0f;
          p.float_bias.push_back(static_cast<float>(bias_values[c]) * scale);
        }
      }
    }
    return p;
  }

  std::string what_;
  bool transposed_;
  kernels::ActivationSpec activation_;
  int threads_;
  bool dynamic_a_ = false;                                   // a_scale and a_zero_point are read at run time
  GemmParameters parameters_;                                // constants known at creation
  std::shared_ptr<const kernels::QS8PackedWeights> packed_;  // shared with other sessions
  int64_t rows_ = 0;                                         // planned
  std::vector<int32_t> scratch_;                             // planned: y^T
  std::vector<float> column_scales_;                         // planned: a_scale x b_scale[c], set per inference
  std::unique_ptr<BitSerialMatMul> bit_serial_;              // weights of one or two bit planes; or null
};

std::unique_ptr<Operator> create_q_gemm(const OpCreateInfo& info) { return std::make_unique<QGemmOperator>(info); }

}  // namespace

void register_vigil_qgemm_operator(OpRegistry& registry) { registry.add("vigil", "QGemm", create_q_gemm); }

}  // namespace vigil

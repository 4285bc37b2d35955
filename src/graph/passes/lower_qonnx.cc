// SPDX-License-Identifier: Apache-2.0
// QONNX Quant -> ONNX quantization, so that QONNX models (Brevitas, FINN, `vigil quantize
// --format qonnx`) run on the integer operators of fuse_qdq.cc. A Quant node with
// rounding_mode ROUND, a constant integer zero point (one value, or one repeated per
// channel) and a constant bit width of at most 8
// whose range fits the 8-bit type (signed: int8, unsigned: uint8) computes exactly what
//   [Clip(x, scale (min_int - zeropt), scale (max_int - zeropt))] -> QuantizeLinear -> DequantizeLinear
// computes: the clamp of x / scale + zeropt into [min_int, max_int] before rounding is the
// Clip (needed only when the range is narrower than the type's: fewer than 8 bits, or
// narrow), the rounding half to even and the zero point are QuantizeLinear's. Widths
// under 8 bits thus run on the int8 kernels. On constant weights the pass quantizes the
// values itself (per output channel when the scale has one value per index of axis 0)
// and writes an int8/uint8 initializer behind a DequantizeLinear. Other Quant nodes (other
// rounding modes, wider types, run-time parameters) stay QONNX reference operators.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool is_qonnx_quant(const Node& node) {
  return (node.domain == "qonnx.custom_op.general" || node.domain == "finn.custom_op.general") &&
         (node.op_type == "Quant" || node.op_type == "IntQuant") && node.inputs.size() == 4 && node.outputs.size() == 1;
}

Tensor float_scalar(float value) { return Tensor::scalar<float>(value); }

// The value of a constant whose elements are all equal (a per-channel zero point of zeros).
std::optional<double> uniform_constant(const GraphIndex& index, const std::string& name) {
  const Tensor* tensor = index.constant(name);
  if (!tensor || tensor->numel() == 0 || tensor->dtype() == DType::String) return std::nullopt;
  const std::vector<double> values = tensor->to_double_vector();
  for (double v : values) {
    if (v != values[0]) return std::nullopt;
  }
  return values[0];
}

bool lower_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node quant = graph.nodes[n];
  if (!is_qonnx_quant(quant)) return false;
  std::string mode = quant.attributes.get_string("rounding_mode", "ROUND");
  for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Tensor* scale = index.constant(quant.inputs[1]);
  const std::optional<double> zero = uniform_constant(index, quant.inputs[2]);
  const std::optional<double> bits = scalar_constant(index, quant.inputs[3]);
  if ((mode != "ROUND" && mode != "HALF_EVEN") || !scale || scale->dtype() != DType::Float32 || !zero || !bits ||
      *zero != std::floor(*zero) || *bits != std::floor(*bits) || *bits < 2 || *bits > 8) {
    return false;
  }
  const bool is_signed = quant.attributes.get_int("signed", 1) != 0;
  const bool narrow = quant.attributes.get_int("narrow", 0) != 0;
  const int width = static_cast<int>(*bits);
  const double low = is_signed ? -std::ldexp(1.0, width - 1) + narrow : 0.0;
  const double high = is_signed ? std::ldexp(1.0, width - 1) - 1 : std::ldexp(1.0, width) - 1 - narrow;
  const DType type = is_signed ? DType::Int8 : DType::UInt8;
  const double type_low = is_signed ? -128 : 0, type_high = is_signed ? 127 : 255;
  if (*zero < type_low || *zero > type_high) return false;

  const Tensor* x = index.constant(quant.inputs[0]);
  const Shape& scale_shape = scale->shape();
  const int64_t channels = scale->numel();
  // Per-channel scales: one value per index of axis 0 (shape [C] or [C, 1, ...]).
  const bool per_channel = channels > 1;
  if (per_channel &&
      (!x || x->rank() < 1 || x->dim(0) != channels || scale_shape.empty() || scale_shape[0] != channels)) {
    return false;
  }
  const std::string base = quant.outputs[0];
  Tensor parameters_scale(DType::Float32, per_channel ? Shape{channels} : Shape{});
  for (int64_t c = 0; c < channels; ++c) parameters_scale.data<float>()[c] = scale->data<float>()[c];
  Tensor zero_point(type, per_channel ? Shape{channels} : Shape{});  // as many as scales
  for (int64_t c = 0; c < zero_point.numel(); ++c) {
    if (is_signed) {
      zero_point.data<int8_t>()[c] = static_cast<int8_t>(*zero);
    } else {
      zero_point.data<uint8_t>()[c] = static_cast<uint8_t>(*zero);
    }
  }
  const std::string scale_name = unique_value_name(graph, base + "_scale");
  graph.initializers[scale_name] = parameters_scale;
  const std::string zero_name = unique_value_name(graph, base + "_zero_point");
  graph.initializers[zero_name] = zero_point;

  Node dequantize;
  dequantize.name = quant.name + "_dequantize";
  dequantize.op_type = "DequantizeLinear";
  dequantize.outputs = {quant.outputs[0]};
  if (per_channel) {
    Attribute axis;
    axis.type = AttributeType::Int;
    axis.i = 0;
    dequantize.attributes.set("axis", axis);
  }
  std::vector<Node> replacement;
  if (x && x->dtype() == DType::Float32) {  // constant weights: quantized here
    Tensor q(type, x->shape());
    const int64_t inner = x->numel() / std::max<int64_t>(1, per_channel ? channels : 1);
    for (int64_t i = 0; i < x->numel(); ++i) {
      const float s = parameters_scale.data<float>()[per_channel ? i / inner : 0];
      const double v = std::nearbyint(std::clamp(static_cast<double>(x->data<float>()[i] / s) + *zero, low, high));
      if (is_signed) {
        q.data<int8_t>()[i] = static_cast<int8_t>(v);
      } else {
        q.data<uint8_t>()[i] = static_cast<uint8_t>(v);
      }
    }
    const std::string q_name = unique_value_name(graph, base + "_quantized");
    graph.initializers[q_name] = q;
    dequantize.inputs = {q_name, scale_name, zero_name};
    replacement.push_back(std::move(dequantize));
  } else {
    if (per_channel) return false;  // activations: per tensor only
    std::string source = quant.inputs[0];
    const float s = parameters_scale.data<float>()[0];
    if (low > type_low || high < type_high) {  // a range narrower than the type's
      const std::string lo = unique_value_name(graph, base + "_clip_min");
      graph.initializers[lo] = float_scalar(static_cast<float>(s * (low - *zero)));
      const std::string hi = unique_value_name(graph, base + "_clip_max");
      graph.initializers[hi] = float_scalar(static_cast<float>(s * (high - *zero)));
      Node clip;
      clip.name = quant.name + "_clip";
      clip.op_type = "Clip";
      clip.inputs = {source, lo, hi};
      source = unique_value_name(graph, base + "_clipped");
      clip.outputs = {source};
      replacement.push_back(std::move(clip));
    }
    Node quantize;
    quantize.name = quant.name + "_quantize";
    quantize.op_type = "QuantizeLinear";
    quantize.inputs = {source, scale_name, zero_name};
    const std::string quantized = unique_value_name(graph, base + "_quantized");
    quantize.outputs = {quantized};
    replacement.push_back(std::move(quantize));
    dequantize.inputs = {quantized, scale_name, zero_name};
    replacement.push_back(std::move(dequantize));
  }
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n));
  graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n), replacement.begin(), replacement.end());
  return true;
}

}  // namespace

int lower_qonnx(Graph& graph) { return rewrite_until_done(graph, lower_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// QONNX Quant -> ONNX quantization, so that QONNX models (Brevitas, FINN, `vigil quantize
// --format qonnx`) run on the integer operators of fuse_qdq.cc. A Quant node with
// rounding_mode ROUND, a constant integer zero point (one value, or one repeated per
// channel) and a constant bit width of 1 (unsigned: the {0, 1} of binary activations) to 8
// whose range fits the 8-bit type (signed: int8, unsigned: uint8) computes exactly what
//   [Clip(x, scale (min_int - zeropt), scale (max_int - zeropt))] -> QuantizeLinear -> DequantizeLinear
// computes: the clamp of x / scale + zeropt into [min_int, max_int] before rounding is the
// Clip (needed only when the range is narrower than the type's: fewer than 8 bits, or
// narrow), the rounding half to even and the zero point are QuantizeLinear's. Widths
// under 8 bits thus run on the int8 kernels. On constant weights the pass quantizes the
// values itself (per output channel when the scale has one value per index of axis 0)
// and writes an int8/uint8 initializer behind a DequantizeLinear. A BipolarQuant on
// constant weights (y = scale x (w >= 0 ? 1 : -1), the binary weights of a 1-bit layer)
// becomes an int8 initializer of -1 and +1 behind a DequantizeLinear of its scale, per
// tensor or per output channel. Other Quant nodes (other rounding modes, wider types,
// run-time parameters) and BipolarQuant on activations stay QONNX reference operators.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool is_qonnx(const Node& node) {
  return node.domain == "qonnx.custom_op.general" || node.domain == "finn.custom_op.general";
}

bool is_qonnx_quant(const Node& node) {
  return is_qonnx(node) && (node.op_type == "Quant" || node.op_type == "IntQuant") && node.inputs.size() == 4 &&
         node.outputs.size() == 1;
}

bool is_bipolar_quant(const Node& node) {
  return is_qonnx(node) && node.op_type == "BipolarQuant" && node.inputs.size() == 2 && node.outputs.size() == 1;
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

// Per-channel scales: one value per index of axis 0 of x (shape [C] or [C, 1, ...]).
bool scales_per_channel(const Tensor& scale, const Tensor* x) {
  const int64_t channels = scale.numel();
  return channels > 1 && x && x->rank() >= 1 && x->dim(0) == channels && !scale.shape().empty() &&
         scale.shape()[0] == channels;
}

// DequantizeLinear(q, scale, zero point) writing `output`, with the scales as new initializers.
Node dequantize_node(Graph& graph, const Node& quant, const Tensor& scale, bool per_channel, const Tensor& zero_point,
                     const std::string& q_name) {
  const std::string base = quant.outputs[0];
  const int64_t channels = scale.numel();
  Tensor parameters_scale(DType::Float32, per_channel ? Shape{channels} : Shape{});
  for (int64_t c = 0; c < parameters_scale.numel(); ++c) parameters_scale.data<float>()[c] = scale.data<float>()[c];
  const std::string scale_name = unique_value_name(graph, base + "_scale");
  graph.initializers[scale_name] = parameters_scale;
  const std::string zero_name = unique_value_name(graph, base + "_zero_point");
  graph.initializers[zero_name] = zero_point;
  Node dequantize;
  dequantize.name = quant.name + "_dequantize";
  dequantize.op_type = "DequantizeLinear";
  dequantize.inputs = {q_name, scale_name, zero_name};
  dequantize.outputs = {quant.outputs[0]};
  if (per_channel) {
    Attribute axis;
    axis.type = AttributeType::Int;
    axis.i = 0;
    dequantize.attributes.set("axis", axis);
  }
  return dequantize;
}

// BipolarQuant(w, scale) on constant float weights: int8 signs behind a DequantizeLinear.
bool lower_bipolar_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node quant = graph.nodes[n];
  const Tensor* x = index.constant(quant.inputs[0]);
  const Tensor* scale = index.constant(quant.inputs[1]);
  if (!x || x->dtype() != DType::Float32 || !scale || scale->dtype() != DType::Float32) return false;
  const bool per_channel = scales_per_channel(*scale, x);
  if (scale->numel() != 1 && !per_channel) return false;
  Tensor signs(DType::Int8, x->shape());
  for (int64_t i = 0; i < x->numel(); ++i) signs.data<int8_t>()[i] = x->data<float>()[i] >= 0.0f ? 1 : -1;
  const std::string q_name = unique_value_name(graph, quant.outputs[0] + "_quantized");
  graph.initializers[q_name] = signs;
  const Tensor zero_point(DType::Int8, per_channel ? Shape{scale->numel()} : Shape{});
  graph.nodes[n] = dequantize_node(graph, quant, *scale, per_channel, zero_point, q_name);
  return true;
}

bool lower_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node quant = graph.nodes[n];
  if (is_bipolar_quant(quant)) return lower_bipolar_at(graph, index, n);
  if (!is_qonnx_quant(quant)) return false;
  std::string mode = quant.attributes.get_string("rounding_mode", "ROUND");
  for (char& c : mode) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const Tensor* scale = index.constant(quant.inputs[1]);
  const std::optional<double> zero = uniform_constant(index, quant.inputs[2]);
  const std::optional<double> bits = scalar_constant(index, quant.inputs[3]);
  if ((mode != "ROUND" && mode != "HALF_EVEN") || !scale || scale->dtype() != DType::Float32 || !zero || !bits ||
      *zero != std::floor(*zero) || *bits != std::floor(*bits) || *bits < 1 || *bits > 8) {
    return false;
  }
  const bool is_signed = quant.attributes.get_int("signed", 1) != 0;
  const bool narrow = quant.attributes.get_int("narrow", 0) != 0;
  if (*bits == 1 && is_signed) return false;  // bipolar in QONNX's reference, as BipolarQuant
  const int width = static_cast<int>(*bits);
  const double low = is_signed ? -std::ldexp(1.0, width - 1) + narrow : 0.0;
  const double high = is_signed ? std::ldexp(1.0, width - 1) - 1 : std::ldexp(1.0, width) - 1 - narrow;
  const DType type = is_signed ? DType::Int8 : DType::UInt8;
  const double type_low = is_signed ? -128 : 0, type_high = is_signed ? 127 : 255;
  if (*zero < type_low || *zero > type_high) return false;

  const Tensor* x = index.constant(quant.inputs[0]);
  const bool per_channel = scales_per_channel(*scale, x);
  if (scale->numel() != 1 && !per_channel) return false;
  const int64_t channels = scale->numel();
  const std::string base = quant.outputs[0];
  Tensor zero_point(type, per_channel ? Shape{channels} : Shape{});  // as many as scales
  for (int64_t c = 0; c < zero_point.numel(); ++c) {
    if (is_signed) {
      zero_point.data<int8_t>()[c] = static_cast<int8_t>(*zero);
    } else {
      zero_point.data<uint8_t>()[c] = static_cast<uint8_t>(*zero);
    }
  }
  std::vector<Node> replacement;
  const float* scales = scale->data<float>();
  if (x && x->dtype() == DType::Float32) {  // constant weights: quantized here
    Tensor q(type, x->shape());
    const int64_t inner = x->numel() / std::max<int64_t>(1, per_channel ? channels : 1);
    for (int64_t i = 0; i < x->numel(); ++i) {
      const float s = scales[per_channel ? i / inner : 0];
      const double v = std::nearbyint(std::clamp(static_cast<double>(x->data<float>()[i] / s) + *zero, low, high));
      if (is_signed) {
        q.data<int8_t>()[i] = static_cast<int8_t>(v);
      } else {
        q.data<uint8_t>()[i] = static_cast<uint8_t>(v);
      }
    }
    const std::string q_name = unique_value_name(graph, base + "_quantized");
    graph.initializers[q_name] = q;
    replacement.push_back(dequantize_node(graph, quant, *scale, per_channel, zero_point, q_name));
  } else {
    if (per_channel) return false;  // activations: per tensor only
    std::string source = quant.inputs[0];
    if (low > type_low || high < type_high) {  // a range narrower than the type's
      const std::string lo = unique_value_name(graph, base + "_clip_min");
      graph.initializers[lo] = float_scalar(static_cast<float>(scales[0] * (low - *zero)));
      const std::string hi = unique_value_name(graph, base + "_clip_max");
      graph.initializers[hi] = float_scalar(static_cast<float>(scales[0] * (high - *zero)));
      Node clip;
      clip.name = quant.name + "_clip";
      clip.op_type = "Clip";
      clip.inputs = {source, lo, hi};
      source = unique_value_name(graph, base + "_clipped");
      clip.outputs = {source};
      replacement.push_back(std::move(clip));
    }
    const std::string quantized = unique_value_name(graph, base + "_quantized");
    Node dequantize = dequantize_node(graph, quant, *scale, false, zero_point, quantized);
    Node quantize;
    quantize.name = quant.name + "_quantize";
    quantize.op_type = "QuantizeLinear";
    quantize.inputs = {source, dequantize.inputs[1], dequantize.inputs[2]};
    quantize.outputs = {quantized};
    replacement.push_back(std::move(quantize));
    replacement.push_back(std::move(dequantize));
  }
  graph.nodes.erase(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n));
  graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n), replacement.begin(), replacement.end());
  return true;
}

}  // namespace

int lower_qonnx(Graph& graph) { return rewrite_until_done(graph, lower_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// The QDQ rewrite of the node list.
#include "quant/qdq_writer.h"

#include <algorithm>
#include <cstring>

#include "onnx/onnx_pb.h"
#include "quant/graph_editor.h"

namespace vigil::quant {

namespace {

Tensor scalar_of(DType type, int32_t value) {
  Tensor tensor(type, {});
  if (type == DType::UInt8) *tensor.data<uint8_t>() = static_cast<uint8_t>(value);
  if (type == DType::Int8) *tensor.data<int8_t>() = static_cast<int8_t>(value);
  if (type == DType::Int32) *tensor.data<int32_t>() = value;
  return tensor;
}

// One scale (a scalar) or one per channel (1-D), and zero points of `type` to match.
std::pair<Tensor, Tensor> scales_and_zeros(const std::vector<float>& scales, DType type) {
  if (scales.size() == 1) return {Tensor::scalar(scales[0]), scalar_of(type, 0)};
  const auto channels = static_cast<int64_t>(scales.size());
  Tensor zeros(type, {channels});
  std::memset(zeros.raw(), 0, zeros.nbytes());
  return {Tensor::from_vector<float>({channels}, scales), zeros};
}

void set_int_attribute(onnx::NodeProto& node, const char* name, int64_t value) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name(name);
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(value);
}

// The nodes standing for one quantized tensor, in the chosen format; each call returns
// the name of the float tensor its readers read instead.
class Emitter {
 public:
  Emitter(GraphEditor& editor, std::vector<onnx::NodeProto>& nodes, QuantFormat format)
      : editor_(editor), nodes_(nodes), format_(format) {}

  // A constant: QDQ stores `integers` (of `type`) with zero points 0 read through a
  // DequantizeLinear (per-axis along `axis` when there are several scales); QONNX keeps
  // the float initializer and quantizes it with a Quant node of `bits` (a BipolarQuant
  // for 1) whose scale broadcasts along `axis`.
  std::string constant(const std::string& name, const Tensor& integers, const std::vector<float>& scales, int64_t axis,
                       DType type, bool narrow, int bits = 8) {
    if (format_ == QuantFormat::Qonnx) {
      Shape shape;  // a scalar, or [1, .., C, .., 1] with C along the axis
      if (scales.size() > 1) {
        shape.assign(static_cast<size_t>(integers.rank()), 1);
        shape[static_cast<size_t>(axis)] = static_cast<int64_t>(scales.size());
      }
      const Tensor scale = Tensor::from_vector<float>(shape, scales);
      if (bits == 1) return bipolar_quant(name, scale);
      const std::vector<float> zeros(scales.size(), 0.0f);
      return quant(name, scale, Tensor::from_vector<float>(shape, zeros), type == DType::Int32 ? 32 : bits, true,
                   narrow);
    }
    const auto [scale, zero] = scales_and_zeros(scales, type);
    const std::string values = editor_.add_initializer(name + "_quantized", integers);
    const std::string output = editor_.unique_name(name + "_DequantizeLinear_Output");
    nodes_.push_back(editor_.make_node(
        "DequantizeLinear",
        {values, editor_.add_initializer(name + "_scale", scale), editor_.add_initializer(name + "_zero_point", zero)},
        {output}, name + "_DequantizeLinear"));
    if (scales.size() > 1) set_int_attribute(nodes_.back(), "axis", axis);
    return output;
  }

  // An activation: QuantizeLinear -> DequantizeLinear, or one QONNX Quant (unsigned below
  // 8 bits).
  std::string activation(const std::string& tensor, const ScaleZeroPoint& p, const ActivationScheme& scheme, int bits) {
    if (format_ == QuantFormat::Qonnx) {
      const bool is_signed = bits == 8 && scheme.type == DType::Int8;
      return quant(tensor, Tensor::scalar(p.scale), Tensor::scalar(static_cast<float>(p.zero_point)), bits, is_signed,
                   is_signed && scheme.symmetric);
    }
    const std::string scale = editor_.add_initializer(tensor + "_scale", Tensor::scalar(p.scale));
    const std::string zero = editor_.add_initializer(tensor + "_zero_point", scalar_of(scheme.type, p.zero_point));
    const std::string quantized = editor_.unique_name(tensor + "_QuantizeLinear_Output");
    const std::string output = editor_.unique_name(tensor + "_DequantizeLinear_Output");
    nodes_.push_back(
        editor_.make_node("QuantizeLinear", {tensor, scale, zero}, {quantized}, tensor + "_QuantizeLinear"));
    nodes_.push_back(
        editor_.make_node("DequantizeLinear", {quantized, scale, zero}, {output}, tensor + "_DequantizeLinear"));
    return output;
  }

 private:
  // QONNX's Quant(x, scale, zero point, bit width): round half to even, clamp to the
  // (signed, narrow) integer range, dequantize.
  std::string quant(const std::string& tensor, const Tensor& scale, const Tensor& zero, int bits, bool is_signed,
                    bool narrow) {
    const std::string output = editor_.unique_name(tensor + "_Quant_Output");
    nodes_.push_back(
        editor_.make_node("Quant",
                          {tensor, editor_.add_initializer(tensor + "_scale", scale),
                           editor_.add_initializer(tensor + "_zero_point", zero),
                           editor_.add_initializer(tensor + "_bitwidth", Tensor::scalar(static_cast<float>(bits)))},
                          {output}, tensor + "_Quant"));
    onnx::NodeProto& node = nodes_.back();
    node.set_domain(kQonnxDomain);
    set_int_attribute(node, "signed", is_signed);
    set_int_attribute(node, "narrow", narrow);
    onnx::AttributeProto* rounding = node.add_attribute();
    rounding->set_name("rounding_mode");
    rounding->set_type(onnx::AttributeProto::STRING);
    rounding->set_s("ROUND");
    return output;
  }

  // QONNX's BipolarQuant(x, scale): scale where x >= 0, else -scale.
  std::string bipolar_quant(const std::string& tensor, const Tensor& scale) {
    const std::string output = editor_.unique_name(tensor + "_BipolarQuant_Output");
    nodes_.push_back(editor_.make_node("BipolarQuant", {tensor, editor_.add_initializer(tensor + "_scale", scale)},
                                       {output}, tensor + "_BipolarQuant"));
    nodes_.back().set_domain(kQonnxDomain);
    return output;
  }

  GraphEditor& editor_;
  std::vector<onnx::NodeProto>& nodes_;
  QuantFormat format_;
};

}  // namespace

QdqSummary write_qdq(onnx::ModelProto& model, const QdqPlan& plan,
                     const std::map<std::string, ScaleZeroPoint>& activations, const ActivationScheme& scheme,
                     float weight_clip, const std::string& base_dir, QuantFormat format) {
  GraphEditor editor(model, base_dir);
  if (format == QuantFormat::Qdq) {
    editor.require_opset(plan.weights.empty() ? 10 : 13, "QuantizeLinear and per-axis DequantizeLinear");
  } else {
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain(kQonnxDomain);
    opset->set_version(1);
  }
  const onnx::GraphProto original = model.graph();
  QdqSummary summary;
  summary.quantized_nodes = static_cast<int>(plan.quantized_nodes.size());
  std::vector<onnx::NodeProto> nodes;
  Emitter emit(editor, nodes, format);
  std::map<std::string, std::string> replacement;  // float tensor -> the tensor standing for it
  std::set<std::string> constants;                 // the weights and biases quantized

  // Constants first: weights, then biases (whose scales need their weight's scales).
  std::map<std::string, std::vector<float>> weight_scales;
  for (const auto& [name, axis] : plan.weights) {
    const int bits = plan.bits_of(name);
    const QuantizedWeight q = quantize_weight(editor.initializer(name), axis, weight_clip, bits);
    replacement[name] = emit.constant(name, q.values, q.scales, axis, DType::Int8, true, bits);
    constants.insert(name);
    weight_scales[name] = q.scales;
    ++summary.weights;
  }
  for (const QdqPlan::Bias& bias : plan.biases) {
    const auto input = activations.find(bias.input);
    if (input == activations.end()) continue;  // its input stays float, so does it
    const QuantizedBias q =
        quantize_bias(editor.initializer(bias.name), input->second.scale, weight_scales.at(bias.weight));
    replacement[bias.name] = emit.constant(bias.name, q.values, q.scales, 0, DType::Int32, false);
    constants.insert(bias.name);
    ++summary.biases;
  }

  const auto add_pair = [&](const std::string& tensor) {
    const auto p = activations.find(tensor);
    if (p == activations.end()) return;
    replacement[tensor] = emit.activation(tensor, p->second, scheme, plan.bits_of(tensor));
    ++summary.activations;
  };
  for (const auto& input : original.input()) add_pair(input.name());

  for (int i = 0; i < original.node_size(); ++i) {
    onnx::NodeProto node = original.node(i);
    const auto planned = plan.quantized_inputs.find(static_cast<size_t>(i));
    const bool is_quantized = plan.quantized_nodes.count(static_cast<size_t>(i)) > 0;
    for (int j = 0; j < node.input_size(); ++j) {
      const auto r = replacement.find(node.input(j));
      if (r == replacement.end()) continue;
      // Quantized nodes read the DQ outputs planned for them; other nodes, unless excluded,
      // read quantized activations through their DQ too, as ONNX Runtime writes it.
      const bool rewire = is_quantized ? planned != plan.quantized_inputs.end() && planned->second.count(j)
                                       : !plan.excluded.count(node.name()) && !constants.count(node.input(j));
      if (rewire) node.set_input(j, r->second);
    }
    nodes.push_back(node);
    for (const std::string& output : original.node(i).output()) {
      if (std::find(plan.activations.begin(), plan.activations.end(), output) != plan.activations.end())
        add_pair(output);
    }
  }

  editor.graph().clear_node();
  for (onnx::NodeProto& node : nodes) *editor.graph().add_node() = std::move(node);
  if (format == QuantFormat::Qdq) editor.drop_unread_initializers(constants);
  return summary;
}

}  // namespace vigil::quant

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

void set_axis(onnx::NodeProto& node, int64_t axis) {
  onnx::AttributeProto* attribute = node.add_attribute();
  attribute->set_name("axis");
  attribute->set_type(onnx::AttributeProto::INT);
  attribute->set_i(axis);
}

}  // namespace

QdqSummary write_qdq(onnx::ModelProto& model, const QdqPlan& plan,
                     const std::map<std::string, ScaleZeroPoint>& activations, DType activation_type,
                     float weight_clip, const std::string& base_dir) {
  GraphEditor editor(model, base_dir);
  editor.require_opset(plan.weights.empty() ? 10 : 13, "QuantizeLinear and per-axis DequantizeLinear");
  const onnx::GraphProto original = model.graph();
  QdqSummary summary;
  summary.quantized_nodes = static_cast<int>(plan.quantized_nodes.size());
  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, std::string> replacement;  // float tensor -> the DequantizeLinear output standing for it
  std::set<std::string> replaced_initializers;

  // Constants first: weights, then biases (whose scales need their weight's scales).
  std::map<std::string, std::vector<float>> weight_scales;
  for (const auto& [name, axis] : plan.weights) {
    const QuantizedWeight q = quantize_weight(editor.initializer(name), axis, weight_clip);
    const auto [scale, zero] = scales_and_zeros(q.scales, DType::Int8);
    const std::string values = editor.add_initializer(name + "_quantized", q.values);
    const std::string scale_name = editor.add_initializer(name + "_scale", scale);
    const std::string zero_name = editor.add_initializer(name + "_zero_point", zero);
    const std::string output = editor.unique_name(name + "_DequantizeLinear_Output");
    nodes.push_back(editor.make_node("DequantizeLinear", {values, scale_name, zero_name}, {output},
                                     name + "_DequantizeLinear"));
    if (q.scales.size() > 1) set_axis(nodes.back(), axis);
    replacement[name] = output;
    replaced_initializers.insert(name);
    weight_scales[name] = q.scales;
    ++summary.weights;
  }
  for (const QdqPlan::Bias& bias : plan.biases) {
    const auto input = activations.find(bias.input);
    if (input == activations.end()) continue;  // its input stays float, so does it
    const QuantizedBias q = quantize_bias(editor.initializer(bias.name), input->second.scale, weight_scales.at(bias.weight));
    const auto [scale, zero] = scales_and_zeros(q.scales, DType::Int32);
    const std::string values = editor.add_initializer(bias.name + "_quantized", q.values);
    const std::string scale_name = editor.add_initializer(bias.name + "_scale", scale);
    const std::string zero_name = editor.add_initializer(bias.name + "_zero_point", zero);
    const std::string output = editor.unique_name(bias.name + "_DequantizeLinear_Output");
    nodes.push_back(editor.make_node("DequantizeLinear", {values, scale_name, zero_name}, {output},
                                     bias.name + "_DequantizeLinear"));
    if (q.scales.size() > 1) set_axis(nodes.back(), 0);
    replacement[bias.name] = output;
    replaced_initializers.insert(bias.name);
    ++summary.biases;
  }

  const auto add_pair = [&](const std::string& tensor) {
    const auto p = activations.find(tensor);
    if (p == activations.end()) return;
    const std::string scale = editor.add_initializer(tensor + "_scale", Tensor::scalar(p->second.scale));
    const std::string zero = editor.add_initializer(tensor + "_zero_point", scalar_of(activation_type, p->second.zero_point));
    const std::string quantized = editor.unique_name(tensor + "_QuantizeLinear_Output");
    const std::string output = editor.unique_name(tensor + "_DequantizeLinear_Output");
    nodes.push_back(editor.make_node("QuantizeLinear", {tensor, scale, zero}, {quantized}, tensor + "_QuantizeLinear"));
    nodes.push_back(editor.make_node("DequantizeLinear", {quantized, scale, zero}, {output}, tensor + "_DequantizeLinear"));
    replacement[tensor] = output;
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
                                       : !plan.excluded.count(node.name()) && !replaced_initializers.count(node.input(j));
      if (rewire) node.set_input(j, r->second);
    }
    nodes.push_back(node);
    for (const std::string& output : original.node(i).output()) {
      if (std::find(plan.activations.begin(), plan.activations.end(), output) != plan.activations.end()) add_pair(output);
    }
  }

  editor.graph().clear_node();
  for (onnx::NodeProto& node : nodes) *editor.graph().add_node() = std::move(node);
  editor.drop_unread_initializers(replaced_initializers);
  return summary;
}

}  // namespace vigil::quant

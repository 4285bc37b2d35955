// SPDX-License-Identifier: Apache-2.0
// Layer cost formulas (see layer_cost.h).
#include "graph/layer_cost.h"

#include <map>
#include <set>
#include <string>

namespace vigil {

namespace {
int64_t bytes_of(const TensorShapeAndType& t) {
  return shape_numel(t.shape) * static_cast<int64_t>(dtype_size(t.dtype));
}

int64_t kernel_volume(const Shape& weight) {
  int64_t volume = 1;
  for (size_t i = 2; i < weight.size(); ++i) volume *= weight[i];
  return volume;
}

// Operators that do one arithmetic operation per output element.
bool is_elementwise_arithmetic(const std::string& op_type) {
  // (the names wrapped as prose, not as columns)
  // clang-format off
  static const std::set<std::string> kOps = {
      "Abs", "Acos", "Acosh", "Add", "And", "Asin", "Asinh", "Atan", "Atanh", "BitShift", "Ceil", "Celu", "Clip",
      "Cos", "Cosh", "Div", "Elu", "Equal", "Erf", "Exp", "Floor", "Gelu", "Greater", "GreaterOrEqual",
      "HardSigmoid", "HardSwish", "LeakyRelu", "Less", "LessOrEqual", "Log", "Max", "Mean", "Min", "Mish", "Mod",
      "Mul", "Neg", "Not", "Or", "PRelu", "Pow", "Reciprocal", "Relu", "Round", "Selu", "Sigmoid", "Sign", "Sin",
      "Sinh", "Softplus", "Softsign", "Sqrt", "Sub", "Sum", "Tan", "Tanh", "ThresholdedRelu", "Where", "Xor"};
  // clang-format on
  return kOps.count(op_type) > 0;
}

// Operations of a layer without multiply-accumulates (the table in layer_cost.h).
int64_t other_ops(const std::string& op_type, const Node& node, const std::vector<TensorShapeAndType>& inputs,
                  const std::vector<TensorShapeAndType>& outputs) {
  if (inputs.empty() || outputs.empty()) return 0;
  const int64_t in_count = shape_numel(inputs[0].shape);
  const int64_t out_count = shape_numel(outputs[0].shape);
  if (is_elementwise_arithmetic(op_type)) return out_count;
  if (op_type == "BatchNormalization") return 2 * out_count;
  if (op_type == "Softmax" || op_type == "LogSoftmax") return 4 * in_count;
  if (op_type == "LayerNormalization") return 7 * in_count;
  if (op_type == "MaxPool" || op_type == "AveragePool") {
    int64_t volume = 1;
    for (int64_t k : node.attributes.get_ints("kernel_shape", {})) volume *= k;
    return out_count * volume;
  }
  if (op_type == "GlobalAveragePool" || op_type == "GlobalMaxPool" || op_type.rfind("Reduce", 0) == 0) return in_count;
  return 0;
}
}  // namespace

LayerCost layer_cost(const Node& node, const std::vector<TensorShapeAndType>& inputs,
                     const std::vector<TensorShapeAndType>& outputs) {
  LayerCost cost;
  for (const auto& input : inputs) cost.bytes_read += bytes_of(input);
  for (const auto& output : outputs) cost.bytes_written += bytes_of(output);
  // The optimisation passes' vigil.FusedConv, FusedMatMul and FusedGemm, and ONNX
  // Runtime's com.microsoft FusedConv and FusedMatMul, cost what the product they wrap
  // costs; vigil.Gelu is elementwise. The integer operators cost their float forms
  // (QConv, QLinearConv and ConvInteger a Conv; QGemm, QLinearMatMul and MatMulInteger,
  // com.microsoft QGemm a MatMul; QAdd, com.microsoft QLinearAdd an Add), with the weights
  // at their own input.
  static const std::map<std::string, std::pair<std::string, size_t>> kIntegerForms = {
      {"QConv", {"Conv", 3}},   {"QLinearConv", {"Conv", 3}},     {"ConvInteger", {"Conv", 1}},
      {"QGemm", {"MatMul", 3}}, {"QLinearMatMul", {"MatMul", 3}}, {"MatMulInteger", {"MatMul", 1}},
      {"QAdd", {"Add", 3}},     {"QLinearAdd", {"Add", 3}}};
  const bool vigil_domain = node.domain == "vigil";
  const bool fused =
      (vigil_domain || node.domain == "com.microsoft") && (node.op_type == "FusedConv" || node.op_type == "FusedMatMul" ||
                                                           node.op_type == "FusedGemm");
  const auto integer = kIntegerForms.find(node.op_type);
  const bool integer_form =
      integer != kIntegerForms.end() && (node.domain.empty() || vigil_domain || node.domain == "com.microsoft");
  if (!node.domain.empty() && !vigil_domain && !integer_form && !fused) return cost;
  const std::string op_type = fused ? node.op_type.substr(5) : integer_form ? integer->second.first : node.op_type;
  const size_t weight_input = integer_form ? integer->second.second : 1;
  if (inputs.size() > weight_input && !outputs.empty()) {
    const Shape& a = inputs[0].shape;
    const Shape& w = inputs[weight_input].shape;
    const int64_t out_count = shape_numel(outputs[0].shape);
    if (op_type == "Conv" && w.size() >= 3) {
      cost.macs = out_count * w[1] * kernel_volume(w);
    } else if (op_type == "ConvTranspose" && w.size() >= 3) {
      cost.macs = shape_numel(a) * w[1] * kernel_volume(w);
    } else if (op_type == "MatMul" && !a.empty()) {  // com.microsoft FusedMatMul may read A transposed
      cost.macs = out_count * (node.attributes.get_int("transA", 0) && a.size() >= 2 ? a[a.size() - 2] : a.back());
    } else if (op_type == "Gemm" && a.size() == 2) {
      cost.macs = out_count * (node.attributes.get_int("transA", 0) ? a[0] : a[1]);
    }
  }
  cost.ops = cost.macs > 0 ? 2 * cost.macs : other_ops(op_type, node, inputs, outputs);
  return cost;
}

}  // namespace vigil

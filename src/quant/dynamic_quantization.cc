// SPDX-License-Identifier: Apache-2.0
// The dynamic rewrite of MatMul and Gemm.
#include "quant/dynamic_quantization.h"

#include <cstring>
#include <map>

#include "onnx/onnx_pb.h"
#include "quant/affine_quantization.h"
#include "quant/graph_editor.h"

namespace vigil::quant {

namespace {

const onnx::AttributeProto* find_attribute(const onnx::NodeProto& node, const std::string& name) {
  for (const auto& a : node.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

Tensor transposed(const Tensor& matrix) {
  const int64_t rows = matrix.dim(0), cols = matrix.dim(1);
  Tensor result(DType::Float32, {cols, rows});
  const float* in = matrix.data<float>();
  float* out = result.data<float>();
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t c = 0; c < cols; ++c) out[c * rows + r] = in[r * cols + c];
  }
  return result;
}

// The rewrite of one product, or nothing if it stays float.
struct Product {
  Tensor weight;  // [K, N] float
  float alpha = 1.0f;
  std::string bias;   // a float tensor to add, or empty
  Tensor bias_value;  // set when the bias is an initializer scaled by beta
};

}  // namespace

DynamicSummary write_dynamic(onnx::ModelProto& model, bool per_channel, float weight_clip,
                             const std::set<std::string>& excluded, const std::string& base_dir) {
  GraphEditor editor(model, base_dir);
  editor.require_opset(11, "DynamicQuantizeLinear");
  const onnx::GraphProto original = model.graph();
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& init : original.initializer()) initializers[init.name()] = &init;
  const auto float_matrix = [&](const std::string& name) {
    const auto it = initializers.find(name);
    return it != initializers.end() && it->second->data_type() == onnx::TensorProto::FLOAT &&
           it->second->dims_size() == 2;
  };

  DynamicSummary summary;
  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, std::vector<std::string>> quantized_activation;  // A -> {A_q, A_scale, A_zero_point}
  std::set<std::string> replaced;
  for (const onnx::NodeProto& node : original.node()) {
    const bool candidate = (node.domain().empty() || node.domain() == "ai.onnx") &&
                           (node.op_type() == "MatMul" || node.op_type() == "Gemm") && !excluded.count(node.name()) &&
                           node.input_size() >= 2 && float_matrix(node.input(1)) && !initializers.count(node.input(0));
    Product product;
    bool rewrite = candidate;
    if (candidate) {
      product.weight = editor.initializer(node.input(1));
      if (node.op_type() == "Gemm") {
        const auto* trans_a = find_attribute(node, "transA");
        const auto* trans_b = find_attribute(node, "transB");
        const auto* alpha = find_attribute(node, "alpha");
        const auto* beta = find_attribute(node, "beta");
        const float beta_value = beta ? beta->f() : 1.0f;
        if (alpha) product.alpha = alpha->f();
        if (trans_b && trans_b->i()) product.weight = transposed(product.weight);
        rewrite = !(trans_a && trans_a->i());
        if (node.input_size() >= 3 && !node.input(2).empty()) {
          const auto c = initializers.find(node.input(2));
          if (c != initializers.end() && c->second->data_type() == onnx::TensorProto::FLOAT) {
            product.bias_value = editor.initializer(node.input(2));
            float* values = product.bias_value.data<float>();
            for (int64_t i = 0; i < product.bias_value.numel(); ++i) values[i] *= beta_value;
          } else {
            rewrite = rewrite && beta_value == 1.0f;
            product.bias = node.input(2);
          }
        }
      }
    }
    if (!rewrite) {
      nodes.push_back(node);
      continue;
    }
    const std::string& a = node.input(0);
    const std::string& y = node.output(0);
    if (!quantized_activation.count(a)) {
      std::vector<std::string> outputs = {editor.unique_name(a + "_quantized"), editor.unique_name(a + "_scale"),
                                          editor.unique_name(a + "_zero_point")};
      nodes.push_back(editor.make_node("DynamicQuantizeLinear", {a}, outputs, a + "_DynamicQuantizeLinear"));
      quantized_activation[a] = outputs;
    }
    const std::vector<std::string>& aq = quantized_activation[a];
    QuantizedWeight q = quantize_weight(product.weight, per_channel ? 1 : -1, weight_clip);
    for (float& s : q.scales) s *= product.alpha;
    const auto channels = static_cast<int64_t>(q.scales.size());
    const Shape parameter_shape = channels == 1 ? Shape{} : Shape{channels};
    Tensor zeros(DType::Int8, parameter_shape);
    std::memset(zeros.raw(), 0, zeros.nbytes());
    const std::string& b = node.input(1);
    const std::string b_q = editor.add_initializer(b + "_quantized", q.values);
    const std::string b_scale =
        editor.add_initializer(b + "_scale", Tensor::from_vector<float>(parameter_shape, q.scales));
    const std::string b_zero = editor.add_initializer(b + "_zero_point", zeros);
    replaced.insert(b);

    const std::string integer = editor.unique_name(y + "_MatMulInteger_Output");
    nodes.push_back(
        editor.make_node("MatMulInteger", {aq[0], b_q, aq[2], b_zero}, {integer}, node.name() + "_MatMulInteger"));
    const std::string as_float = editor.unique_name(y + "_Cast_Output");
    nodes.push_back(editor.make_node("Cast", {integer}, {as_float}, node.name() + "_Cast"));
    onnx::AttributeProto* to = nodes.back().add_attribute();
    to->set_name("to");
    to->set_type(onnx::AttributeProto::INT);
    to->set_i(onnx::TensorProto::FLOAT);
    const std::string scale = editor.unique_name(y + "_scale_product");
    nodes.push_back(editor.make_node("Mul", {aq[1], b_scale}, {scale}, node.name() + "_scales_Mul"));
    if (!product.bias_value.empty())
      product.bias = editor.add_initializer(node.input(2) + "_scaled", product.bias_value);
    const std::string scaled = product.bias.empty() ? y : editor.unique_name(y + "_Mul_Output");
    nodes.push_back(editor.make_node("Mul", {as_float, scale}, {scaled}, node.name() + "_output_Mul"));
    if (!product.bias.empty()) {
      nodes.push_back(editor.make_node("Add", {scaled, product.bias}, {y}, node.name() + "_bias_Add"));
      if (!product.bias_value.empty()) replaced.insert(node.input(2));
    }
    ++summary.products;
  }
  editor.graph().clear_node();
  for (onnx::NodeProto& node : nodes) *editor.graph().add_node() = std::move(node);
  editor.drop_unread_initializers(replaced);
  return summary;
}

}  // namespace vigil::quant

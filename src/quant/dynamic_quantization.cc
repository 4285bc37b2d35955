// SPDX-License-Identifier: Apache-2.0
// The dynamic rewrite of MatMul, Gemm and Conv.
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
  Tensor weight;  // [K, N] float, or a Conv's [M, C/group, kh, kw]
  float alpha = 1.0f;
  std::string bias;   // a float tensor to add, or empty
  Tensor bias_value;  // set when the bias is an initializer (scaled by beta, or reshaped onto a Conv's channels)
};

// The float tail after an integer product `integer` that y = product's output:
// Cast(float) -> Mul(., Mul(x_scale, W_scale)) [-> Add(., bias)].
void append_dequantize_tail(GraphEditor& editor, std::vector<onnx::NodeProto>& nodes, const std::string& integer,
                            const std::string& x_scale, const std::string& w_scale, const std::string& bias,
                            const std::string& y, const std::string& name) {
  const std::string as_float = editor.unique_name(y + "_Cast_Output");
  nodes.push_back(editor.make_node("Cast", {integer}, {as_float}, name + "_Cast"));
  onnx::AttributeProto* to = nodes.back().add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::FLOAT);
  const std::string scale = editor.unique_name(y + "_scale_product");
  nodes.push_back(editor.make_node("Mul", {x_scale, w_scale}, {scale}, name + "_scales_Mul"));
  const std::string scaled = bias.empty() ? y : editor.unique_name(y + "_Mul_Output");
  nodes.push_back(editor.make_node("Mul", {as_float, scale}, {scaled}, name + "_output_Mul"));
  if (!bias.empty()) nodes.push_back(editor.make_node("Add", {scaled, bias}, {y}, name + "_bias_Add"));
}

}  // namespace

DynamicSummary write_dynamic(onnx::ModelProto& model, bool per_channel, float weight_clip,
                             const std::set<std::string>& excluded, const std::string& base_dir) {
  GraphEditor editor(model, base_dir);
  editor.require_opset(11, "DynamicQuantizeLinear");
  const onnx::GraphProto original = model.graph();
  std::map<std::string, const onnx::TensorProto*> initializers;
  for (const auto& init : original.initializer()) initializers[init.name()] = &init;
  const auto float_initializer = [&](const std::string& name, int rank) {
    const auto it = initializers.find(name);
    return it != initializers.end() && it->second->data_type() == onnx::TensorProto::FLOAT &&
           it->second->dims_size() == rank;
  };

  DynamicSummary summary;
  std::vector<onnx::NodeProto> nodes;
  std::map<std::string, std::vector<std::string>> quantized_activation;  // A -> {A_q, A_scale, A_zero_point}
  std::set<std::string> replaced;
  for (const onnx::NodeProto& node : original.node()) {
    const bool onnx_domain = node.domain().empty() || node.domain() == "ai.onnx";
    const bool operand_ok =
        !excluded.count(node.name()) && node.input_size() >= 2 && !initializers.count(node.input(0));
    const bool is_conv = onnx_domain && node.op_type() == "Conv";
    const bool candidate =
        onnx_domain && operand_ok &&
        (((node.op_type() == "MatMul" || node.op_type() == "Gemm") && float_initializer(node.input(1), 2)) ||
         (is_conv && float_initializer(node.input(1), 4)));
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
      if (is_conv && node.input_size() >= 3 && !node.input(2).empty()) {
        // Conv's bias (M) is added to the float output on its channel axis: [1, M, 1, 1].
        rewrite = float_initializer(node.input(2), 1);
        if (rewrite) {
          product.bias_value = editor.initializer(node.input(2));
          product.bias_value = product.bias_value.reshaped({1, product.bias_value.numel(), 1, 1});
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
    // Per channel: a MatMul's columns (axis 1, scales [N]), a Conv's filters (axis 0,
    // scales [M, 1, 1] so that they broadcast onto the output's channels). A Conv's zero
    // point stays one value (0 for every filter), which ONNX Runtime's ConvInteger requires.
    QuantizedWeight q = quantize_weight(product.weight, per_channel ? (is_conv ? 0 : 1) : -1, weight_clip);
    for (float& s : q.scales) s *= product.alpha;
    const auto channels = static_cast<int64_t>(q.scales.size());
    const Shape zero_point_shape = channels == 1 || is_conv ? Shape{} : Shape{channels};
    const Shape scale_shape = channels == 1 ? Shape{} : is_conv ? Shape{channels, 1, 1} : Shape{channels};
    Tensor zeros(DType::Int8, zero_point_shape);
    std::memset(zeros.raw(), 0, zeros.nbytes());
    const std::string& b = node.input(1);
    const std::string b_q = editor.add_initializer(b + "_quantized", q.values);
    const std::string b_scale = editor.add_initializer(b + "_scale", Tensor::from_vector<float>(scale_shape, q.scales));
    const std::string b_zero = editor.add_initializer(b + "_zero_point", zeros);
    replaced.insert(b);

    const std::string integer = editor.unique_name(y + (is_conv ? "_ConvInteger_Output" : "_MatMulInteger_Output"));
    if (is_conv) {
      nodes.push_back(
          editor.make_node("ConvInteger", {aq[0], b_q, aq[2], b_zero}, {integer}, node.name() + "_ConvInteger"));
      for (const onnx::AttributeProto& attribute : node.attribute()) *nodes.back().add_attribute() = attribute;
    } else {
      nodes.push_back(
          editor.make_node("MatMulInteger", {aq[0], b_q, aq[2], b_zero}, {integer}, node.name() + "_MatMulInteger"));
    }
    if (!product.bias_value.empty()) {
      product.bias = editor.add_initializer(node.input(2) + (is_conv ? "_channels" : "_scaled"), product.bias_value);
      replaced.insert(node.input(2));
    }
    append_dequantize_tail(editor, nodes, integer, aq[1], b_scale, product.bias, y, node.name());
    ++summary.products;
  }
  editor.graph().clear_node();
  for (onnx::NodeProto& node : nodes) *editor.graph().add_node() = std::move(node);
  editor.drop_unread_initializers(replaced);
  return summary;
}

}  // namespace vigil::quant

// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized products -> vigil.QGemm. ONNX Runtime's dynamic quantizer (and
// `vigil quantize --dynamic`) writes each MatMul with constant weights as
//   DynamicQuantizeLinear(x) -> (x_q, x_scale, x_zero_point)
//   MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) -> Cast(float) -> Mul(., x_scale x W_scale)
// [-> Add(constant bias)]; ONNX Runtime's optimizer saves the same as one node of its own
// domain, com.microsoft MatMulIntegerToFloat(x_q, W_q, x_scale, W_scale, x_zero_point,
// W_zero_point[, bias]), or folds the quantization in too: DynamicQuantizeMatMul(x, W_q,
// W_scale, W_zero_point[, bias]). The pass replaces each form (MatMulInteger, Cast, both
// Muls and the bias Add; or the one node) by one vigil.QGemm with a float output
// (ops/quantized/vigil_qgemm.cc), which runs the product on the int8 GEMM with the weights
// packed once and applies scales and bias in its epilogue; the DynamicQuantizeLinear stays
// and feeds it (for DynamicQuantizeMatMul the pass writes one, shared by the products that
// quantize the same x).
#include "graph/passes/dequantize_tail.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// The fused node: x quantized by `quantize`, constant 2-D weights, scales, zero point and bias.
Node dynamic_qgemm(const std::string& name, const Node& quantize, const std::string& weights,
                   const std::string& weight_scale, const std::string& weight_zero_point, const std::string& bias,
                   const std::string& output) {
  Node fused;
  fused.name = name;
  fused.domain = "vigil";
  fused.op_type = "QGemm";
  fused.inputs = {quantize.outputs[0],
                  quantize.outputs[1],
                  quantize.outputs[2],
                  weights,
                  weight_scale,
                  weight_zero_point,
                  "",
                  "",
                  bias,
                  ""};
  fused.outputs = {output};
  fused.attributes.set_owner(fused.describe());
  return fused;
}

// A float32 constant of N elements in one dimension, N the weights' columns.
bool is_bias(const Tensor& bias, const Tensor& weights) {
  return bias.dtype() == DType::Float32 && bias.rank() == 1 && bias.dim(0) == weights.dim(1);
}
bool is_bias(const GraphIndex& index, const std::string& name, const Tensor& weights) {
  const Tensor* constant = index.constant(name);
  return constant && is_bias(*constant, weights);
}

// com.microsoft MatMulIntegerToFloat fed by DynamicQuantizeLinear, with constant weights.
bool fuse_integer_to_float_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& matmul = graph.nodes[n];
  if (matmul.domain != "com.microsoft" || matmul.op_type != "MatMulIntegerToFloat" || matmul.inputs.size() < 5 ||
      matmul.outputs.size() != 1) {
    return false;
  }
  const auto input = [&](size_t i) { return i < matmul.inputs.size() ? matmul.inputs[i] : std::string(); };
  const Node* quantize = index.producer(input(0));
  if (!quantize || !is_onnx(*quantize, "DynamicQuantizeLinear") || quantize->outputs.size() != 3 ||
      input(2) != quantize->outputs[1] || input(4) != quantize->outputs[2]) {
    return false;
  }
  const Tensor* weights = index.constant(input(1));
  if (!weights || weights->rank() != 2 || !index.constant(input(3)) ||
      (!input(5).empty() && !index.constant(input(5))) || (!input(6).empty() && !is_bias(index, input(6), *weights))) {
    return false;
  }
  replace_nodes(graph, {n},
                dynamic_qgemm(matmul.name, *quantize, input(1), input(3), input(5), input(6), matmul.outputs[0]));
  return true;
}

// com.microsoft DynamicQuantizeMatMul with constant weights: a DynamicQuantizeLinear of x
// (one already written before it for the same x, or a new one), then vigil.QGemm.
bool fuse_dynamic_quantize_matmul_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& matmul = graph.nodes[n];
  if (matmul.domain != "com.microsoft" || matmul.op_type != "DynamicQuantizeMatMul" || matmul.inputs.size() < 3 ||
      matmul.outputs.size() != 1) {
    return false;
  }
  const auto input = [&](size_t i) { return i < matmul.inputs.size() ? matmul.inputs[i] : std::string(); };
  const Tensor* weights = index.constant(input(1));
  if (!weights || weights->rank() != 2 || !index.constant(input(2)) ||
      (!input(3).empty() && !index.constant(input(3))) || (!input(4).empty() && !is_bias(index, input(4), *weights))) {
    return false;
  }
  for (size_t q = 0; q < n; ++q) {
    const Node& quantize = graph.nodes[q];
    if (is_onnx(quantize, "DynamicQuantizeLinear") && quantize.inputs[0] == input(0) && quantize.outputs.size() == 3) {
      replace_nodes(graph, {n},
                    dynamic_qgemm(matmul.name, quantize, input(1), input(2), input(3), input(4), matmul.outputs[0]));
      return true;
    }
  }
  Node quantize;
  quantize.name = unique_value_name(graph, input(0) + "_dynamic_quantize");
  quantize.op_type = "DynamicQuantizeLinear";
  quantize.inputs = {input(0)};
  for (const char* part : {"_q", "_scale", "_zero_point"}) {
    quantize.outputs.push_back(unique_value_name(graph, quantize.name + part));
  }
  quantize.attributes.set_owner(quantize.describe());
  Node fused = dynamic_qgemm(matmul.name, quantize, input(1), input(2), input(3), input(4), matmul.outputs[0]);
  replace_nodes(graph, {n}, std::move(fused));
  graph.nodes.insert(graph.nodes.begin() + static_cast<std::ptrdiff_t>(n), std::move(quantize));
  return true;
}

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  if (fuse_integer_to_float_at(graph, index, n) || fuse_dynamic_quantize_matmul_at(graph, index, n)) return true;
  const Node& matmul = graph.nodes[n];
  if (!is_onnx(matmul, "MatMulInteger") || matmul.inputs.size() < 3 || matmul.outputs.size() != 1) return false;
  const Node* quantize = dynamic_quantization_of(index, matmul);
  if (!quantize) return false;
  const Tensor* weights = index.constant(matmul.inputs[1]);
  const std::string weight_zero_point = matmul.inputs.size() > 3 ? matmul.inputs[3] : "";
  if (!weights || weights->rank() != 2 || (!weight_zero_point.empty() && !index.constant(weight_zero_point))) {
    return false;
  }
  const std::optional<DequantizeTail> tail = match_dequantize_tail(
      graph, index, matmul, *quantize, [&](const Tensor& bias) { return is_bias(bias, *weights); });
  if (!tail) return false;
  std::vector<size_t> matched = tail->nodes;
  matched.push_back(n);
  replace_nodes(graph, matched,
                dynamic_qgemm(matmul.name, *quantize, matmul.inputs[1], tail->weight_scale, weight_zero_point,
                              tail->bias, tail->output));
  return true;
}

}  // namespace

int fuse_dynamic_matmul(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

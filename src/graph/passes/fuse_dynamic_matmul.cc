// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized products -> vigil.QGemm. ONNX Runtime's dynamic quantizer (and
// `vigil quantize --dynamic`) writes each MatMul with constant weights as
//   DynamicQuantizeLinear(x) -> (x_q, x_scale, x_zero_point)
//   MatMulInteger(x_q, W_q, x_zero_point, W_zero_point) -> Cast(float) -> Mul(., x_scale x W_scale)
// [-> Add(constant bias)]. The pass replaces MatMulInteger, Cast, both Muls and the bias Add
// by one vigil.QGemm with a float output (ops/quantized/vigil_qgemm.cc), which runs the product on the
// int8 GEMM with the weights packed once and applies scales and bias in its epilogue; the
// DynamicQuantizeLinear stays and feeds it.
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& matmul = graph.nodes[n];
  if (!is_onnx(matmul, "MatMulInteger") || matmul.inputs.size() < 3 || matmul.outputs.size() != 1) return false;
  const Node* quantize = index.producer(matmul.inputs[0]);
  if (!quantize || !is_onnx(*quantize, "DynamicQuantizeLinear") || quantize->outputs.size() != 3 ||
      matmul.inputs[2] != quantize->outputs[2]) {
    return false;
  }
  const Tensor* weights = index.constant(matmul.inputs[1]);
  const std::string weight_zero_point = matmul.inputs.size() > 3 ? matmul.inputs[3] : "";
  if (!weights || weights->rank() != 2 || (!weight_zero_point.empty() && !index.constant(weight_zero_point))) {
    return false;
  }
  const Node* cast = only_reader(graph, index, matmul.outputs[0], "Cast");
  if (!cast || cast->attributes.get_int("to", 0) != static_cast<int64_t>(DType::Float32)) return false;
  const Node* scale_mul = only_reader(graph, index, cast->outputs[0], "Mul");
  if (!scale_mul) return false;
  const std::string product = other_input(*scale_mul, cast->outputs[0]);
  const Node* scales = index.producer(product);
  if (!scales || !is_onnx(*scales, "Mul") || !index.is_private(product)) return false;
  const std::string weight_scale = other_input(*scales, quantize->outputs[1]);
  if (weight_scale.empty() || !index.constant(weight_scale)) return false;

  std::vector<size_t> matched = {node_position(graph, scales), n, node_position(graph, cast),
                                 node_position(graph, scale_mul)};
  std::string output = scale_mul->outputs[0], bias;
  const Node* add = only_reader(graph, index, output, "Add");
  if (add) {
    const std::string other = other_input(*add, output);
    const Tensor* constant = index.constant(other);
    if (constant && constant->dtype() == DType::Float32 && constant->rank() == 1 &&
        constant->dim(0) == weights->dim(1)) {
      bias = other;
      matched.push_back(node_position(graph, add));
      output = add->outputs[0];
    }
  }
  Node fused;
  fused.name = matmul.name;
  fused.domain = "vigil";
  fused.op_type = "QGemm";
  fused.inputs = {quantize->outputs[0],
                  quantize->outputs[1],
                  quantize->outputs[2],
                  matmul.inputs[1],
                  weight_scale,
                  weight_zero_point,
                  "",
                  "",
                  bias,
                  ""};
  fused.outputs = {output};
  fused.attributes.set_owner(fused.describe());
  replace_nodes(graph, matched, std::move(fused));
  return true;
}

}  // namespace

int fuse_dynamic_matmul(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized convolutions -> vigil.QConv with a float output. ONNX Runtime's
// dynamic quantizer (quantize_dynamic, whose default quantizes Conv too) writes each Conv
// as
//   DynamicQuantizeLinear(x) -> (x_q, x_scale, x_zero_point)
//   ConvInteger(x_q, W_q, x_zero_point[, W_zero_point]) -> Cast(float)
//   -> Mul(., Mul(x_scale, W_scale)) [-> Add(., Reshape(B, [1, -1, 1, 1]))]
// (the Reshape folded into a constant by then). The pass replaces ConvInteger, the Cast,
// both Muls and the bias Add by one vigil.QConv without y_scale
// (ops/quantized/q_conv_to_float.h): the product on the int8 GEMM, the scales and the bias
// applied to its sums with the same float32 roundings. It fuses where that operator's fast
// path applies: constant int8 weights of zero point 0, a W_scale of one value or one per
// output channel on the channel axis, and a bias of one value per output channel on that
// axis; anything else stays on the reference operators.
#include <algorithm>

#include "graph/passes/dequantize_tail.h"
#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

// A float32 constant holding one value per output channel along the channel axis of an
// N x M x H x W output: [M, 1, 1] or [1, M, 1, 1].
bool along_channels(const Tensor& values, int64_t channels) {
  if (values.dtype() != DType::Float32 || values.numel() != channels || values.rank() < 3 || values.rank() > 4) {
    return false;
  }
  const int64_t axis = values.rank() - 3;
  return values.dim(axis) == channels && (values.rank() == 3 || values.dim(0) == 1);
}

bool zero_int8(const Tensor* zero_point) {
  if (!zero_point) return true;
  if (zero_point->dtype() != DType::Int8) return false;
  const int8_t* values = zero_point->data<int8_t>();
  return std::all_of(values, values + zero_point->numel(), [](int8_t z) { return z == 0; });
}

bool fuse_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& conv = graph.nodes[n];
  if (!is_onnx(conv, "ConvInteger") || conv.inputs.size() < 3 || conv.outputs.size() != 1) return false;
  const Node* quantize = dynamic_quantization_of(index, conv);
  if (!quantize) return false;
  const Tensor* weights = index.constant(conv.inputs[1]);
  const std::string weight_zero_point = conv.inputs.size() > 3 ? conv.inputs[3] : "";
  const Tensor* zero_point = weight_zero_point.empty() ? nullptr : index.constant(weight_zero_point);
  if (!weights || weights->dtype() != DType::Int8 || weights->rank() != 4 ||
      (!weight_zero_point.empty() && !zero_point) || !zero_int8(zero_point)) {
    return false;
  }
  const int64_t channels = weights->dim(0);
  const std::optional<DequantizeTail> tail = match_dequantize_tail(
      graph, index, conv, *quantize, [&](const Tensor& bias) { return along_channels(bias, channels); });
  if (!tail) return false;
  const Tensor* scale = index.constant(tail->weight_scale);
  if (scale->dtype() != DType::Float32 || (scale->numel() != 1 && !along_channels(*scale, channels))) return false;

  Node fused = conv;
  fused.domain = "vigil";
  fused.op_type = "QConv";
  fused.inputs = {quantize->outputs[0],
                  quantize->outputs[1],
                  quantize->outputs[2],
                  conv.inputs[1],
                  tail->weight_scale,
                  weight_zero_point,
                  "",
                  "",
                  tail->bias};
  fused.outputs = {tail->output};
  fused.attributes.set_owner(fused.describe());
  std::vector<size_t> matched = tail->nodes;
  matched.push_back(n);
  replace_nodes(graph, matched, std::move(fused));
  return true;
}

}  // namespace

int fuse_dynamic_conv(Graph& graph) { return rewrite_until_done(graph, fuse_at); }

}  // namespace vigil::passes

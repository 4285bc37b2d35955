// SPDX-License-Identifier: Apache-2.0
// QOperator models (ONNX Runtime's quantizer in its QOperator format, and the files its
// optimizer saves from QDQ models) -> vigil's integer operators, which run on the int8
// kernels:
//   QLinearConv    -> vigil.QConv  (the same inputs; QLinearConv's int32 B is on the sum's grid)
//   QLinearMatMul  -> vigil.QGemm  (B constant and 2-D; A's parameters per tensor)
// Both forms requantize sum x m, m = x_scale x w_scale[c] / y_scale formed in float32. The
// ONNX operators apply m in double; vigil's in fixed point, holding m's 24-bit mantissa
// exactly (kernels/requantize.h), so they round the exact product. The two agree whenever
// the double product is exact: |sum| < 2^29 (29 + 24 bits fit a double's 53). The pass
// rewrites a node only when its constant weights bound every sum below that
// (sum_k |w - w_zero_point| x the largest |x - x_zero_point| + |bias|), so the rewrite
// never changes a result; other nodes stay on the reference operators.
#include <cmath>

#include "graph/passes/pass.h"
#include "graph/passes/passes.h"

namespace vigil::passes {

namespace {

constexpr double kExactSums = 536870912.0;  // 2^29

const std::string& input_or_empty(const Node& node, size_t i) {
  static const std::string none;
  return i < node.inputs.size() ? node.inputs[i] : none;
}

// The constant at input i, or nullptr; an absent optional input counts as a constant.
bool constant_or_absent(const GraphIndex& index, const Node& node, size_t i) {
  const std::string& name = input_or_empty(node, i);
  return name.empty() || index.constant(name) != nullptr;
}

// The largest |x - zero_point| an 8-bit x of the zero point's type can have (uint8 without one).
std::optional<double> largest_centred(const GraphIndex& index, const std::string& zero_point) {
  const Tensor* zp = zero_point.empty() ? nullptr : index.constant(zero_point);
  if (zp && (zp->numel() != 1 || (zp->dtype() != DType::UInt8 && zp->dtype() != DType::Int8))) return std::nullopt;
  const bool is_signed = zp && zp->dtype() == DType::Int8;
  const double z = zp ? zp->to_double_vector()[0] : 0.0;
  return std::max(z - (is_signed ? -128.0 : 0.0), (is_signed ? 127.0 : 255.0) - z);
}

// Whether every output channel's sum stays below 2^29: weights w (channel c's elements at
// c * channel_step + i * element_step, i < elements) centred by their zero point (per
// tensor or per channel), times the largest centred x, plus the bias.
bool sums_exact(const Tensor& w, const Tensor* w_zero_point, const Tensor* bias, int64_t channels, int64_t channel_step,
                int64_t element_step, int64_t elements, double x_largest) {
  if (w.dtype() != DType::UInt8 && w.dtype() != DType::Int8) return false;
  const std::vector<double> values = w.to_double_vector();
  const std::vector<double> zeros = w_zero_point ? w_zero_point->to_double_vector() : std::vector<double>{0.0};
  const std::vector<double> biases = bias ? bias->to_double_vector() : std::vector<double>{};
  if (zeros.size() != 1 && static_cast<int64_t>(zeros.size()) != channels) return false;
  if (!biases.empty() && static_cast<int64_t>(biases.size()) != channels) return false;
  for (int64_t c = 0; c < channels; ++c) {
    const double zero = zeros[zeros.size() == 1 ? 0 : static_cast<size_t>(c)];
    double bound = biases.empty() ? 0.0 : std::fabs(biases[static_cast<size_t>(c)]);
    for (int64_t i = 0; i < elements; ++i) {
      bound += std::fabs(values[static_cast<size_t>(c * channel_step + i * element_step)] - zero) * x_largest;
    }
    if (!(bound < kExactSums)) return false;
  }
  return true;
}

// 2-D QLinearConv(x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B]), all but x constant.
bool lift_conv(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& conv = graph.nodes[n];
  if (conv.inputs.size() < 8 || conv.outputs.size() != 1) return false;
  for (size_t i = 1; i < 9; ++i) {
    if (!constant_or_absent(index, conv, i)) return false;
  }
  const Tensor* w = index.constant(conv.inputs[3]);
  const std::string& x_zero_point = input_or_empty(conv, 2);
  const std::optional<double> x_largest = largest_centred(index, x_zero_point);
  // Without y's zero point, y has x's type; vigil.QConv reads uint8 then.
  const bool x_unsigned = x_zero_point.empty() || index.constant(x_zero_point)->dtype() == DType::UInt8;
  if (!w || w->rank() != 4 || !x_largest || (input_or_empty(conv, 7).empty() && !x_unsigned)) return false;
  const int64_t channels = w->dim(0), elements = w->numel() / std::max<int64_t>(1, channels);
  const Tensor* w_zero_point = input_or_empty(conv, 5).empty() ? nullptr : index.constant(conv.inputs[5]);
  const Tensor* bias = input_or_empty(conv, 8).empty() ? nullptr : index.constant(conv.inputs[8]);
  if (bias && bias->dtype() != DType::Int32) return false;
  if (!sums_exact(*w, w_zero_point, bias, channels, elements, 1, elements, *x_largest)) return false;
  Node lifted = conv;
  lifted.domain = "vigil";
  lifted.op_type = "QConv";
  lifted.inputs.resize(10);  // B's scale stays absent: B is on the sum's grid
  replace_nodes(graph, {n}, std::move(lifted));
  return true;
}

// QLinearMatMul(a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp), b constant and 2-D.
bool lift_matmul(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& matmul = graph.nodes[n];
  if (matmul.inputs.size() < 8 || matmul.outputs.size() != 1 || input_or_empty(matmul, 7).empty()) return false;
  for (size_t i = 1; i < 8; ++i) {
    if (!constant_or_absent(index, matmul, i)) return false;
  }
  const Tensor* b = index.constant(matmul.inputs[3]);
  const std::string& a_zero_point = input_or_empty(matmul, 2);
  const std::optional<double> a_largest = largest_centred(index, a_zero_point);
  if (!b || b->rank() != 2 || !a_largest || index.constant(matmul.inputs[1])->numel() != 1) return false;
  const int64_t depth = b->dim(0), columns = b->dim(1);
  const Tensor* b_zero_point = input_or_empty(matmul, 5).empty() ? nullptr : index.constant(matmul.inputs[5]);
  if (!sums_exact(*b, b_zero_point, nullptr, columns, 1, columns, depth, *a_largest)) return false;
  Node lifted = matmul;
  lifted.domain = "vigil";
  lifted.op_type = "QGemm";
  lifted.inputs.resize(10);  // no bias
  replace_nodes(graph, {n}, std::move(lifted));
  return true;
}

bool lift_at(Graph& graph, const GraphIndex& index, size_t n) {
  const Node& node = graph.nodes[n];
  if (is_onnx(node, "QLinearConv")) return lift_conv(graph, index, n);
  if (is_onnx(node, "QLinearMatMul")) return lift_matmul(graph, index, n);
  return false;
}

}  // namespace

int lift_qlinear(Graph& graph) { return rewrite_until_done(graph, lift_at); }

}  // namespace vigil::passes

// SPDX-License-Identifier: Apache-2.0
// The integer matrix products of ONNX, as reference operators: MatMulInteger (uint8/int8
// operands minus their zero points, int32 out; A's zero point per tensor or per row, B's
// per tensor or per column) and QLinearMatMul (the same, requantized: the int32 sum x
// (a_scale x b_scale / y_scale), rounded half to even, plus y's zero point, saturated).
// Batched and broadcast like MatMul (plan_matmul); the sums are exact int32.
#include "core/error.h"
#include "ops/families.h"
#include "ops/matmul_internal.h"
#include "ops/quantized/quantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The int32 products of centred a and b: a's parameters index rows (axis -2), b's columns (axis -1).
std::vector<int32_t> integer_products(const Tensor& a, const QuantizationParameters& a_parameters, const Tensor& b,
                                      const QuantizationParameters& b_parameters, const MatMulPlan& plan, int threads,
                                      const std::string& what) {
  check_input(is_8_bit(a.dtype()) && is_8_bit(b.dtype()), what, ": A and B must be uint8 or int8, not ",
              dtype_name(a.dtype()), " and ", dtype_name(b.dtype()));
  const std::vector<int32_t> a_centred = centred_int32(a, a_parameters, what);
  const std::vector<int32_t> b_centred = centred_int32(b, b_parameters, what);
  std::vector<int32_t> y(static_cast<size_t>(shape_numel(plan.output)));
  run_matmul<int32_t>(plan, a_centred.data(), b_centred.data(), y.data(), threads);
  return y;
}

// Axis of A's per-row and B's per-column parameters.
int64_t row_axis(const Tensor& a) { return a.rank() >= 2 ? -2 : 0; }
int64_t column_axis(const Tensor&) { return -1; }

std::unique_ptr<Operator> create_matmul_integer(const OpCreateInfo& info) {
  const int threads = std::max(1, info.threads);
  return make_operator([threads, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 1, what);
    const MatMulPlan plan = plan_matmul(a.shape(), b.shape(), what);
    const QuantizationParameters a_parameters(a.shape(), nullptr, has_input(in, 2) ? in[2] : nullptr, row_axis(a),
                                              what);
    const QuantizationParameters b_parameters(b.shape(), nullptr, has_input(in, 3) ? in[3] : nullptr, column_axis(b),
                                              what);
    const std::vector<int32_t> y = integer_products(a, a_parameters, b, b_parameters, plan, threads, what);
    out[0] = Tensor(DType::Int32, plan.output);
    std::copy(y.begin(), y.end(), out[0].data<int32_t>());
  });
}

template <class Q>
void requantize(const std::vector<int32_t>& sums, const std::vector<float>& multipliers, int32_t zero_point, Q* y) {
  const size_t columns = multipliers.size();
  for (size_t i = 0; i < sums.size(); ++i) {
    y[i] = saturate_round<Q>(static_cast<double>(sums[i]) * multipliers[columns > 1 ? i % columns : 0], zero_point);
  }
}

// Inputs: a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point.
std::unique_ptr<Operator> create_qlinear_matmul(const OpCreateInfo& info) {
  const int threads = std::max(1, info.threads);
  return make_operator([threads, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 3, what);
    const MatMulPlan plan = plan_matmul(a.shape(), b.shape(), what);
    const float a_scale = scalar_scale(require_input(in, 1, what), what, "a_scale");
    const float y_scale = scalar_scale(require_input(in, 6, what), what, "y_scale");
    const QuantizationParameters a_parameters(a.shape(), nullptr, has_input(in, 2) ? in[2] : nullptr, row_axis(a),
                                              what);
    const QuantizationParameters b_parameters(b.shape(), &require_input(in, 4, what),
                                              has_input(in, 5) ? in[5] : nullptr, column_axis(b), what);
    const std::vector<int32_t> sums = integer_products(a, a_parameters, b, b_parameters, plan, threads, what);
    std::vector<float> multipliers(static_cast<size_t>(b_parameters.channels()));
    for (int64_t n = 0; n < b_parameters.channels(); ++n) multipliers[n] = a_scale * b_parameters.scale(n) / y_scale;
    const Tensor* y_zero_point = has_input(in, 7) ? in[7] : nullptr;
    const DType type = y_zero_point ? y_zero_point->dtype() : a.dtype();
    check_input(is_8_bit(type), what, ": y must be uint8 or int8, not ", dtype_name(type));
    const int32_t zero_point = scalar_zero_point(y_zero_point, what, "y_zero_point");
    out[0] = Tensor(type, plan.output);
    if (type == DType::UInt8) {
      requantize(sums, multipliers, zero_point, out[0].data<uint8_t>());
    } else {
      requantize(sums, multipliers, zero_point, out[0].data<int8_t>());
    }
  });
}

}  // namespace

void register_qlinear_matmul_operators(OpRegistry& registry) {
  registry.add("", "MatMulInteger", create_matmul_integer);
  registry.add("", "QLinearMatMul", create_qlinear_matmul);
}

}  // namespace vigil

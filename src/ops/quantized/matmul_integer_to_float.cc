// SPDX-License-Identifier: Apache-2.0
// The integer matrix products of the com.microsoft domain that ONNX Runtime's quantizer
// writes (dynamic quantization of transformers, QOperator Gemm), as reference operators
// with the formulas of ONNX Runtime's operator documentation:
//   MatMulIntegerToFloat   Y = (A - a_zp)(B - b_zp[n]) x a_scale x b_scale[n] + bias[n], float
//   DynamicQuantizeMatMul  A (float) quantized to uint8 as DynamicQuantizeLinear does, then
//                          as MatMulIntegerToFloat
//   QGemm                  Y = alpha x a_scale x b_scale[n] x ((A - a_zp)(B - b_zp[n]) + C),
//                          C an int32 bias; float out, or requantized when y_scale is given;
//                          constant weights centred once into int16 rows per output column
// B's scale and zero point are per tensor or per column. The sums are exact int32
// (run_matmul and the reference GEMM).
#include <cmath>
#include <memory>

#include "core/error.h"
#include "ops/families.h"
#include "ops/matmul_internal.h"
#include "ops/quantized/quantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The per-column parameters of B (axis -1) and its centred values.
struct ColumnQuantized {
  QuantizationParameters parameters;
  std::vector<int32_t> centred;
  ColumnQuantized(const Tensor& b, const Tensor* scale, const Tensor* zero_point, const std::string& what)
      : parameters(b.shape(), scale, zero_point, -1, what), centred(centred_int32(b, parameters, what)) {
    check_input(is_8_bit(b.dtype()), what, ": B must be uint8 or int8, not ", dtype_name(b.dtype()));
  }
  int64_t column_channel(int64_t column) const { return parameters.channels() > 1 ? column : 0; }
};

// Y (float, plan.output) = int32 products x a_scale x b_scale[n] + bias[n].
Tensor scaled_products(const std::vector<int32_t>& a_centred, float a_scale, const ColumnQuantized& b,
                       const Tensor* bias, const MatMulPlan& plan, int threads, const std::string& what) {
  std::vector<int32_t> sums(static_cast<size_t>(shape_numel(plan.output)));
  run_matmul<int32_t>(plan, a_centred.data(), b.centred.data(), sums.data(), threads);
  check_input(!bias || (bias->dtype() == DType::Float32 && bias->numel() == plan.n), what,
              ": the bias must be float32 with ", plan.n, " elements");
  Tensor y(DType::Float32, plan.output);
  float* out = y.data<float>();
  for (size_t i = 0; i < sums.size(); ++i) {
    const int64_t column = static_cast<int64_t>(i) % plan.n;
    const float scale = a_scale * b.parameters.scale(b.column_channel(column));
    out[i] = static_cast<float>(sums[i]) * scale + (bias ? bias->data<float>()[column] : 0.0f);
  }
  return y;
}

// Inputs A, B, a_scale, b_scale, a_zero_point, b_zero_point, bias.
std::unique_ptr<Operator> create_matmul_integer_to_float(const OpCreateInfo& info) {
  const int threads = std::max(1, info.threads);
  return make_operator([threads, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 1, what);
    check_input(is_8_bit(a.dtype()), what, ": A must be uint8 or int8, not ", dtype_name(a.dtype()));
    const MatMulPlan plan = plan_matmul(a.shape(), b.shape(), what);
    const float a_scale = scalar_scale(require_input(in, 2, what), what, "a_scale");
    const QuantizationParameters a_parameters(a.shape(), nullptr, has_input(in, 4) ? in[4] : nullptr, 0, what);
    check_input(a_parameters.channels() == 1, what, ": a_zero_point must be a scalar");
    const ColumnQuantized b_quantized(b, &require_input(in, 3, what), has_input(in, 5) ? in[5] : nullptr, what);
    out[0] = scaled_products(centred_int32(a, a_parameters, what), a_scale, b_quantized,
                             has_input(in, 6) ? in[6] : nullptr, plan, threads, what);
  });
}

// Inputs A (float), B, b_scale, b_zero_point, bias.
std::unique_ptr<Operator> create_dynamic_quantize_matmul(const OpCreateInfo& info) {
  const int threads = std::max(1, info.threads);
  return make_operator([threads, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 1, what);
    check_input(a.dtype() == DType::Float32, what, ": A must be float32, not ", dtype_name(a.dtype()));
    const MatMulPlan plan = plan_matmul(a.shape(), b.shape(), what);
    const float* data = a.data<float>();
    float low = 0.0f, high = 0.0f;
    for (int64_t i = 0; i < a.numel(); ++i) {
      check_input(std::isfinite(data[i]), what, ": A holds ", data[i], " at element ", i);
      low = std::min(low, data[i]);
      high = std::max(high, data[i]);
    }
    const TensorQuantization a_quantization{
        (high - low) / 255.0f, high > low ? saturate_round<uint8_t>(-low / ((high - low) / 255.0f), 0) : 0};
    std::vector<int32_t> a_centred(static_cast<size_t>(a.numel()), 0);
    if (high > low) {
      for (int64_t i = 0; i < a.numel(); ++i) {
        a_centred[i] = static_cast<int32_t>(a_quantization.quantize<uint8_t>(data[i])) - a_quantization.zero_point;
      }
    }
    const ColumnQuantized b_quantized(b, &require_input(in, 2, what), has_input(in, 3) ? in[3] : nullptr, what);
    out[0] = scaled_products(a_centred, a_quantization.scale, b_quantized, has_input(in, 4) ? in[4] : nullptr, plan,
                             threads, what);
  });
}

// B centred by its zero points (|value| <= 255, so int16), one row of k values per output
// column: made once when B and its parameters are constants (weights), so that a run
// neither converts nor transposes them and each output is one dot product of int16 rows,
// which the compiler turns into multiply-add pairs. Depths above 32,768 could overflow
// the int32 sum and keep the general path.
struct CentredColumns {
  int64_t k = 0, n = 0;
  std::vector<int16_t> values;  // n x k
};

std::shared_ptr<const CentredColumns> constant_centred_b(const OpCreateInfo& info, bool trans_b) {
  const std::vector<std::string>& inputs = info.node.inputs;
  auto constant = [&](size_t i) {
    return i < inputs.size() && !inputs[i].empty() ? info.find_constant(inputs[i]) : nullptr;
  };
  const Tensor* b = constant(3);
  const Tensor* scale = constant(4);
  const bool zero_point_known = inputs.size() <= 5 || inputs[5].empty() || constant(5);
  if (!b || !scale || !zero_point_known || b->rank() != 2 || !is_8_bit(b->dtype())) return nullptr;
  const std::string what = info.describe();
  const QuantizationParameters parameters(b->shape(), scale, constant(5), trans_b ? 0 : 1, what);
  const std::vector<int32_t> centred = centred_int32(*b, parameters, what);
  auto columns = std::make_shared<CentredColumns>();
  columns->k = trans_b ? b->dim(1) : b->dim(0);
  columns->n = trans_b ? b->dim(0) : b->dim(1);
  const int64_t k = columns->k, n = columns->n;
  if (k > 32768) return nullptr;
  columns->values.resize(static_cast<size_t>(k * n));
  for (int64_t j = 0; j < n; ++j) {
    for (int64_t p = 0; p < k; ++p) {
      columns->values[static_cast<size_t>(j * k + p)] =
          static_cast<int16_t>(centred[static_cast<size_t>(trans_b ? j * k + p : p * n + j)]);
    }
  }
  return columns;
}

int32_t int16_dot(const int16_t* a, const int16_t* b, int64_t count) {
  int32_t sum = 0;
  for (int64_t i = 0; i < count; ++i) sum += int32_t{a[i]} * int32_t{b[i]};
  return sum;
}

// Inputs A, a_scale, a_zero_point, B, b_scale, b_zero_point, C, y_scale, y_zero_point.
std::unique_ptr<Operator> create_qgemm(const OpCreateInfo& info) {
  const float alpha = info.attributes().get_float("alpha", 1.0f);
  const bool trans_a = info.attributes().get_int("transA", 0) != 0;
  const bool trans_b = info.attributes().get_int("transB", 0) != 0;
  const int threads = std::max(1, info.threads);
  const std::shared_ptr<const CentredColumns> centred_b = constant_centred_b(info, trans_b);
  return make_operator([=, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 3, what);
    check_input(a.rank() == 2 && b.rank() == 2 && is_8_bit(a.dtype()) && is_8_bit(b.dtype()), what,
                ": A and B must be 2-D uint8 or int8, not ", dtype_name(a.dtype()), " ", shape_to_string(a.shape()),
                " and ", dtype_name(b.dtype()), " ", shape_to_string(b.shape()));
    const int64_t m = trans_a ? a.dim(1) : a.dim(0), k = trans_a ? a.dim(0) : a.dim(1);
    const int64_t n = trans_b ? b.dim(0) : b.dim(1);
    check_input((trans_b ? b.dim(1) : b.dim(0)) == k, what, ": A ", shape_to_string(a.shape()), " and B ",
                shape_to_string(b.shape()), " do not agree on the inner dimension");
    const float a_scale = scalar_scale(require_input(in, 1, what), what, "a_scale");
    const QuantizationParameters a_parameters(a.shape(), nullptr, has_input(in, 2) ? in[2] : nullptr, 0, what);
    check_input(a_parameters.channels() == 1, what, ": a_zero_point must be a scalar");
    // B's parameters run along its N dimension: axis 0 when transposed.
    const QuantizationParameters b_parameters(b.shape(), &require_input(in, 4, what),
                                              has_input(in, 5) ? in[5] : nullptr, trans_b ? 0 : 1, what);
    const std::vector<int32_t> a_centred = centred_int32(a, a_parameters, what);
    std::vector<int32_t> sums(static_cast<size_t>(m * n), 0);
    if (centred_b && centred_b->k == k && centred_b->n == n) {
      std::vector<int16_t> row(static_cast<size_t>(k));
      for (int64_t r = 0; r < m; ++r) {
        for (int64_t p = 0; p < k; ++p) {
          row[static_cast<size_t>(p)] =
              static_cast<int16_t>(a_centred[static_cast<size_t>(trans_a ? p * a.dim(1) + r : r * a.dim(1) + p)]);
        }
        for (int64_t j = 0; j < n; ++j) {
          sums[static_cast<size_t>(r * n + j)] = int16_dot(row.data(), centred_b->values.data() + j * k, k);
        }
      }
    } else {
      const std::vector<int32_t> b_centred = centred_int32(b, b_parameters, what);
      kernels::gemm_ref<int32_t>(m, n, k, 1, {a_centred.data(), a.dim(1), trans_a},
                                 {b_centred.data(), b.dim(1), trans_b}, 0, sums.data(), n, threads);
    }
    const Tensor* c = has_input(in, 6) ? in[6] : nullptr;
    std::vector<int64_t> c_index;
    if (c) {
      check_input(c->dtype() == DType::Int32, what, ": C must be int32, not ", dtype_name(c->dtype()));
      broadcast_shapes(c->shape(), {m, n}, what);
      const Shape strides = broadcast_strides(c->shape(), {m, n});
      for (int64_t r = 0; r < m; ++r) {
        for (int64_t col = 0; col < n; ++col) c_index.push_back(r * strides[0] + col * strides[1]);
      }
    }
    std::vector<float> values(sums.size());
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t col = 0; col < n; ++col) {
        const size_t i = static_cast<size_t>(r * n + col);
        const int64_t channel = b_parameters.channels() > 1 ? col : 0;
        const int64_t sum = static_cast<int64_t>(sums[i]) + (c ? c->data<int32_t>()[c_index[i]] : 0);
        values[i] = alpha * a_scale * b_parameters.scale(channel) * static_cast<float>(sum);
      }
    }
    if (!has_input(in, 7)) {
      out[0] = Tensor(DType::Float32, {m, n});
      std::copy(values.begin(), values.end(), out[0].data<float>());
      return;
    }
    const TensorQuantization y = TensorQuantization::read(*in[7], has_input(in, 8) ? in[8] : nullptr, what, "y");
    out[0] = quantize_values(values, {m, n}, has_input(in, 8) ? in[8]->dtype() : a.dtype(), y, what);
  });
}

}  // namespace

void register_matmul_integer_to_float_operators(OpRegistry& registry) {
  registry.add("com.microsoft", "MatMulIntegerToFloat", create_matmul_integer_to_float);
  registry.add("com.microsoft", "DynamicQuantizeMatMul", create_dynamic_quantize_matmul);
  registry.add("com.microsoft", "QGemm", create_qgemm);
}

}  // namespace vigil

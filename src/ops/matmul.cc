// SPDX-License-Identifier: Apache-2.0
// The reference MatMul (numpy matmul: N-D with broadcast batch dimensions, 1-D operands
// promoted and their dimension dropped again) and Gemm (alpha * op(A) * op(B) + beta * C
// with C broadcast to the result), on the reference GEMM of kernels/ref, for every
// arithmetic type. float32 runs on the fast path of f32_matmul.cc, which falls back to
// these for other types; Einsum lives in einsum.cc.
#include <algorithm>

#include "kernels/ref/gemm_ref.h"
#include "ops/families.h"
#include "ops/matmul_internal.h"
#include "ops/registry.h"

namespace vigil {

MatMulPlan plan_matmul(const Shape& a_in, const Shape& b_in, const std::string& what) {
  check_input(!a_in.empty() && !b_in.empty(), what, ": MatMul operands must have rank >= 1");
  Shape a = a_in, b = b_in;
  if (a.size() == 1) a.insert(a.begin(), 1);
  if (b.size() == 1) b.push_back(1);
  MatMulPlan plan;
  plan.m = a[a.size() - 2];
  plan.k = a.back();
  plan.n = b.back();
  check_input(b[b.size() - 2] == plan.k, what, ": MatMul shapes ", shape_to_string(a_in), " and ",
              shape_to_string(b_in), " do not agree on the inner dimension");
  const Shape a_batch(a.begin(), a.end() - 2), b_batch(b.begin(), b.end() - 2);
  const Shape batch = broadcast_shapes(a_batch, b_batch, what);
  const Shape a_strides = broadcast_strides(a_batch, batch), b_strides = broadcast_strides(b_batch, batch);
  const int64_t count = shape_numel(batch);
  std::vector<int64_t> index(batch.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t a_offset = 0, b_offset = 0;
    for (size_t d = 0; d < batch.size(); ++d) {
      a_offset += index[d] * a_strides[d];
      b_offset += index[d] * b_strides[d];
    }
    plan.a_offsets.push_back(a_offset);
    plan.b_offsets.push_back(b_offset);
    for (size_t d = batch.size(); d-- > 0;) {
      if (++index[d] < batch[d]) break;
      index[d] = 0;
    }
  }
  plan.output = batch;
  if (a_in.size() > 1) plan.output.push_back(plan.m);
  if (b_in.size() > 1) plan.output.push_back(plan.n);
  return plan;
}

std::unique_ptr<Operator> create_reference_matmul(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 1, what);
    check_input(a.dtype() == b.dtype(), what, ": operand types differ");
    const MatMulPlan plan = plan_matmul(a.shape(), b.shape(), what);
    out[0] = Tensor(a.dtype(), plan.output);
    dispatch_arithmetic(a.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      run_matmul<T>(plan, a.data<T>(), b.data<T>(), out[0].data<T>(), threads);
    });
  });
}

std::unique_ptr<Operator> create_reference_gemm(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const bool trans_a = info.attributes().get_int("transA", 0) != 0;
  const bool trans_b = info.attributes().get_int("transB", 0) != 0;
  const double alpha = info.attributes().get_float("alpha", 1.0f);
  const double beta = info.attributes().get_float("beta", 1.0f);
  const int threads = std::max(1, info.threads);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& a = require_input(in, 0, what);
    const Tensor& b = require_input(in, 1, what);
    const Tensor* c = has_input(in, 2) ? in[2] : nullptr;
    check_input(a.rank() == 2 && b.rank() == 2, what, ": A and B must be matrices, not ", shape_to_string(a.shape()),
                " and ", shape_to_string(b.shape()));
    check_input(a.dtype() == b.dtype() && (!c || c->dtype() == a.dtype()), what, ": operand types differ");
    const int64_t m = trans_a ? a.dim(1) : a.dim(0), k = trans_a ? a.dim(0) : a.dim(1);
    const int64_t n = trans_b ? b.dim(0) : b.dim(1);
    check_input((trans_b ? b.dim(1) : b.dim(0)) == k, what, ": A ", shape_to_string(a.shape()), " and B ",
                shape_to_string(b.shape()), " do not agree on the inner dimension");
    const Shape y_shape{m, n};
    check_input(!c || broadcast_shapes(c->shape(), y_shape, what) == y_shape, what, ": C ",
                shape_to_string(c ? c->shape() : Shape{}), " does not broadcast to ", shape_to_string(y_shape));
    out[0] = Tensor(a.dtype(), y_shape);
    dispatch_arithmetic(a.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* y = out[0].data<T>();
      if (c) {  // Y starts as C broadcast; the GEMM then scales it by beta.
        const Shape strides = broadcast_strides(c->shape(), y_shape);
        const T* c_data = c->data<T>();
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) y[i * n + j] = c_data[i * strides[0] + j * strides[1]];
      }
      kernels::gemm_ref<T>(m, n, k, static_cast<T>(alpha), {a.data<T>(), a.dim(1), trans_a},
                           {b.data<T>(), b.dim(1), trans_b}, c ? static_cast<T>(beta) : T(0), y, n, threads);
    });
  });
}

void register_matmul_operators(OpRegistry& registry) {
  registry.add("", "MatMul", create_matmul);
  registry.add("", "Gemm", create_gemm);
  registry.add("vigil", "FusedMatMul", create_matmul);
  registry.add("vigil", "FusedGemm", create_gemm);
  registry.add("", "Einsum", create_einsum);
}

}  // namespace vigil

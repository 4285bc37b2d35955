// SPDX-License-Identifier: Apache-2.0
// The com.microsoft fused products and normalization that ONNX Runtime's optimizer writes
// into the files it saves (graph optimisation `extended` and above), so that vigil runs
// those files too (its FusedConv is vigil.FusedConv's operator, conv.cc):
//   FusedMatMul: alpha * op(A) op(B) with MatMul's batch broadcasting, where op first
//     moves dimension 0 behind the batch dimensions (transBatchA, transBatchB: [d0, d1, ...,
//     dr-1] becomes [d1, ..., dr-2, d0, dr-1]) and then transposes the last two (transA,
//     transB). float32 on kernels/f32_gemm: each matrix is read in place, its rows strided
//     when the batch moved and transposed as it is packed, so nothing is copied.
//   SkipLayerNormalization: s = input + skip (+ bias), then LayerNormalization of s over
//     its last dimension with gamma (and beta); optional outputs mean and inv_std_var
//     (shape [..., 1]) and s itself (input_skip_bias_sum). float32.
#include <algorithm>
#include <cmath>
#include <utility>

#include "core/thread_pool.h"
#include "kernels/binary.h"
#include "kernels/f32_gemm.h"
#include "kernels/gemm_check.h"
#include "kernels/reduce.h"
#include "kernels/unary.h"
#include "ops/families.h"
#include "ops/matmul_internal.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// How op() reads one operand of rank r >= 2: its logical shape (batch dimensions, then
// the matrix) and, per flattened batch index, where the stored matrix starts and how far
// apart its rows lie.
struct OperandLayout {
  Shape shape;
  int64_t batch_step = 0, row_stride = 0;
  bool transposed = false;
};
OperandLayout operand_layout(const Tensor& t, bool trans_batch, bool transposed) {
  const Shape& s = t.shape();
  const size_t r = s.size();
  OperandLayout layout;
  const int64_t columns = s[r - 1];
  int64_t rows = s[r - 2];
  if (trans_batch) {  // [d1, ..., dr-2] batches of d0 x dr-1, rows dr-1 x (d1 ... dr-2) apart
    rows = s[0];
    layout.shape.assign(s.begin() + 1, s.end() - 1);
    int64_t batches = 1;
    for (const int64_t d : layout.shape) batches *= d;
    layout.batch_step = columns;
    layout.row_stride = batches * columns;
  } else {
    layout.shape.assign(s.begin(), s.end() - 2);
    layout.batch_step = rows * columns;
    layout.row_stride = columns;
  }
  layout.transposed = transposed;
  layout.shape.push_back(transposed ? columns : rows);
  layout.shape.push_back(transposed ? rows : columns);
  return layout;
}

class TransposedMatMul final : public Operator {
 public:
  explicit TransposedMatMul(const OpCreateInfo& info)
      : what_(info.describe()),
        threads_(std::max(1, info.threads)),
        alpha_(info.attributes().get_float("alpha", 1.0f)),
        trans_a_(info.attributes().get_int("transA", 0) != 0),
        trans_b_(info.attributes().get_int("transB", 0) != 0),
        trans_batch_a_(info.attributes().get_int("transBatchA", 0) != 0),
        trans_batch_b_(info.attributes().get_int("transBatchB", 0) != 0) {}

  void run(const OpInputs& in, OpOutputs& out) override {
    const Tensor& a = require_input(in, 0, what_);
    const Tensor& b = require_input(in, 1, what_);
    if (a.dtype() != DType::Float32 || b.dtype() != DType::Float32) fail_unsupported(what_, ": float32 only");
    check_input(a.rank() >= 2 && b.rank() >= 2, what_, ": A ", shape_to_string(a.shape()), " and B ",
                shape_to_string(b.shape()), " must have two dimensions or more");
    const OperandLayout la = operand_layout(a, trans_batch_a_, trans_a_), lb = operand_layout(b, trans_batch_b_, trans_b_);
    const MatMulPlan plan = plan_matmul(la.shape, lb.shape, what_);
    out[0] = Tensor(DType::Float32, plan.output);
    const int64_t m = plan.m, n = plan.n, k = plan.k, batches = static_cast<int64_t>(plan.a_offsets.size());
    const bool across_batches = batches >= threads_ && threads_ > 1;
    kernels::Epilogue epilogue;
    epilogue.scale = alpha_;
    float* y = out[0].data<float>();
    const kernels::GemmThreadContext gemm_context = kernels::gemm_thread_context();  // the caller's, for every thread
    parallel_for(batches, across_batches ? threads_ : 1, [&](int64_t i) {
      const kernels::GemmThreadScope context(gemm_context);
      kernels::F32GemmA a_operand;
      a_operand.matrix = {a.data<float>() + plan.a_offsets[i] * la.batch_step, la.row_stride, la.transposed};
      kernels::F32GemmB b_operand;
      b_operand.matrix = {b.data<float>() + plan.b_offsets[i] * lb.batch_step, lb.row_stride, lb.transposed};
      kernels::f32_gemm(m, n, k, a_operand, b_operand, y + i * m * n, n, epilogue, across_batches ? 1 : threads_);
    });
  }

  std::string algorithm() const override { return std::string("f32_gemm ") + kernels::f32_gemm_kernel_name(); }

 private:
  std::string what_;
  int threads_;
  float alpha_;
  bool trans_a_, trans_b_, trans_batch_a_, trans_batch_b_;
};

class SkipLayerNormalization final : public Operator {
 public:
  explicit SkipLayerNormalization(const OpCreateInfo& info)
      : what_(info.describe()),
        threads_(std::max(1, info.threads)),
        epsilon_(info.attributes().get_float("epsilon", 1e-12f)) {}

  void run(const OpInputs& in, OpOutputs& out) override {
    const Tensor& x = require_input(in, 0, what_);
    const Tensor& skip = require_input(in, 1, what_);
    const Tensor& gamma = require_input(in, 2, what_);
    const Tensor* beta = has_input(in, 3) ? in[3] : nullptr;
    const Tensor* bias = has_input(in, 4) ? in[4] : nullptr;
    for (const Tensor* t : {&x, &skip, &gamma, beta, bias}) {
      if (t && t->dtype() != DType::Float32) fail_unsupported(what_, ": float32 only");
    }
    check_input(x.rank() >= 1 && skip.shape() == x.shape(), what_, ": skip ", shape_to_string(skip.shape()),
                " must have the input's shape ", shape_to_string(x.shape()));
    const int64_t n = x.dim(x.rank() - 1), rows = n == 0 ? 0 : x.numel() / n;
    for (const Tensor* t : {&gamma, beta, bias}) {
      check_input(!t || t->numel() == n, what_, ": gamma, beta and bias must have ", n, " values (the last dimension)");
    }
    out[0] = Tensor(DType::Float32, x.shape());
    Shape stat_shape = x.shape();
    stat_shape.back() = 1;
    const bool want_mean = out.size() > 1, want_rstd = out.size() > 2, want_sum = out.size() > 3;
    if (want_mean) out[1] = Tensor(DType::Float32, stat_shape);
    if (want_rstd) out[2] = Tensor(DType::Float32, stat_shape);
    if (want_sum) out[3] = Tensor(DType::Float32, x.shape());
    const float inverse_n = n == 0 ? 0.0f : 1.0f / static_cast<float>(n);
    parallel_ranges(rows, x.numel() >= (int64_t{1} << 17) ? threads_ : 1, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        float* s = (want_sum ? out[3] : out[0]).data<float>() + r * n;  // the sum, then (in output 0) y
        kernels::f32_binary(kernels::BinaryOp::Add, n, x.data<float>() + r * n, skip.data<float>() + r * n, s);
        if (bias) kernels::f32_binary(kernels::BinaryOp::Add, n, s, bias->data<float>(), s);
        const float mean = kernels::f32_sum(n, s) * inverse_n;
        const float variance = kernels::f32_sum_squares(n, s, mean) * inverse_n;
        const float rstd = 1.0f / std::sqrt(variance + epsilon_);
        float* y = out[0].data<float>() + r * n;
        kernels::f32_affine(n, s, rstd, -mean * rstd, y);
        if (beta) {
          kernels::f32_multiply_add(n, y, gamma.data<float>(), beta->data<float>(), y);
        } else {
          kernels::f32_binary(kernels::BinaryOp::Mul, n, y, gamma.data<float>(), y);
        }
        if (want_mean) out[1].data<float>()[r] = mean;
        if (want_rstd) out[2].data<float>()[r] = rstd;
      }
    });
  }

  std::string algorithm() const override { return "f32_skip_layer_norm_rows"; }

 private:
  std::string what_;
  int threads_;
  float epsilon_;
};

std::unique_ptr<Operator> create_transposed_matmul(const OpCreateInfo& info) {
  return std::make_unique<TransposedMatMul>(info);
}
std::unique_ptr<Operator> create_skip_layer_normalization(const OpCreateInfo& info) {
  return std::make_unique<SkipLayerNormalization>(info);
}

}  // namespace

void register_onnxruntime_fused_operators(OpRegistry& registry) {
  registry.add("com.microsoft", "FusedMatMul", create_transposed_matmul);
  registry.add("com.microsoft", "SkipLayerNormalization", create_skip_layer_normalization);
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The fast float32 MatMul and Gemm, and the fused forms the graph passes write ("vigil"
// FusedMatMul: activation(alpha * A B + bias + Z); FusedGemm: activation(Gemm)). Every
// product runs on kernels/f32_gemm with its epilogue doing the bias, the residual and the
// activation; a constant B (the weights of a linear layer) is packed once at creation.
// Planned: shapes, batch offsets and the choice of bias or residual are fixed in plan(),
// so execute() only calls the kernel. Other element types go to the reference operators
// of matmul.cc.
#include <algorithm>

#include "core/shared_preparation.h"
#include "core/thread_pool.h"
#include "kernels/f32_gemm.h"
#include "kernels/gemm_check.h"
#include "ops/fused_activation.h"
#include "ops/matmul_internal.h"

namespace vigil {

namespace {

// What the two operators share: the reference fallback, the threads and the packed B.
class F32ProductBase : public Operator {
 public:
  F32ProductBase(const OpCreateInfo& info, std::unique_ptr<Operator> reference)
      : what_(info.describe()),
        threads_(std::max(1, info.threads)),
        fused_(info.node.domain == "vigil"),
        reference_(std::move(reference)) {}

  void run(const OpInputs& inputs, OpOutputs& outputs) override {
    if (!is_float(inputs)) {
      if (fused_) fail_unsupported(what_, ": the fused form runs on float32 only");
      return reference_->run(inputs, outputs);
    }
    Operator::run(inputs, outputs);
  }
  std::string algorithm() const override {
    return std::string(packed_b_ ? "f32_gemm packed-B " : "f32_gemm ") + kernels::f32_gemm_kernel_name();
  }

 protected:
  static bool is_float(const OpInputs& inputs) {
    return inputs.size() >= 2 && inputs[0] && inputs[0]->dtype() == DType::Float32;
  }
  // Packs B once when it is a constant matrix of float32.
  void pack_constant_b(const OpCreateInfo& info, bool transposed) {
    if (info.node.inputs.size() < 2) return;
    const Tensor* b = info.find_constant(info.node.inputs[1]);
    if (!b || b->dtype() != DType::Float32 || b->rank() != 2) return;
    const int64_t k = transposed ? b->dim(1) : b->dim(0), n = transposed ? b->dim(0) : b->dim(1);
    // Sessions over the same weights share the packing (core/shared_preparation.h).
    packed_b_ = shared_preparation<kernels::F32PackedB>(*b, transposed ? "transposed" : "as is", [&] {
      return std::make_unique<kernels::F32PackedB>(k, n, kernels::F32Matrix{b->data<float>(), b->dim(1), transposed});
    });
    packed_from_ = b->data<float>();
  }
  // The packed B, if `b` is the tensor it was packed from.
  const kernels::F32PackedB* packed_for(const Tensor& b) const {
    return packed_b_ && b.data<float>() == packed_from_ ? packed_b_.get() : nullptr;
  }

  std::string what_;
  int threads_;
  bool fused_;  // FusedMatMul or FusedGemm
  std::unique_ptr<Operator> reference_;
  std::shared_ptr<const kernels::F32PackedB> packed_b_;
  const float* packed_from_ = nullptr;
};

// MatMul and FusedMatMul.
class F32MatMul final : public F32ProductBase {
 public:
  F32MatMul(const OpCreateInfo& info, std::unique_ptr<Operator> reference)
      : F32ProductBase(info, std::move(reference)) {
    alpha_ = info.attributes().get_float("alpha", 1.0f);
    activation_ = read_fused_activation(info.attributes(), what_);
    pack_constant_b(info, false);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!is_float(in)) return false;
    const Tensor& a = require_input(in, 0, what_);
    const Tensor& b = require_input(in, 1, what_);
    check_input(b.dtype() == DType::Float32, what_, ": operand types differ");
    plan_ = plan_matmul(a.shape(), b.shape(), what_);
    // A stack of products with one B (a linear layer over a batch of sequences) is one
    // product with the stack's rows: [..., m, k] x [k, n] has (... * m) rows.
    if (b.rank() <= 2 && a.rank() > 2) {
      plan_.m *= static_cast<int64_t>(plan_.a_offsets.size());
      plan_.a_offsets.assign(1, 0);
      plan_.b_offsets.assign(1, 0);
    }
    if (has_input(in, 2)) {
      check_input(in[2]->dtype() == DType::Float32 && in[2]->numel() == plan_.n, what_, ": bias ",
                  shape_to_string(in[2]->shape()), " must have ", plan_.n, " elements");
    }
    if (has_input(in, 3)) {
      check_input(in[3]->dtype() == DType::Float32 && in[3]->shape() == plan_.output, what_, ": residual Z ",
                  shape_to_string(in[3]->shape()), " must have the output's shape ", shape_to_string(plan_.output));
    }
    outputs.assign(1, {DType::Float32, plan_.output});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t m = plan_.m, n = plan_.n, k = plan_.k;
    const float* a = in[0]->data<float>();
    const float* b = in[1]->data<float>();
    float* y = out[0].data<float>();
    kernels::Epilogue epilogue;
    epilogue.scale = alpha_;
    epilogue.activation = activation_;
    epilogue.bias = has_input(in, 2) ? in[2]->data<float>() : nullptr;
    epilogue.bias_per_column = true;
    const float* residual = has_input(in, 3) ? in[3]->data<float>() : nullptr;
    const kernels::F32PackedB* packed = packed_for(*in[1]);
    const int64_t batches = static_cast<int64_t>(plan_.a_offsets.size());
    // Many products: one per thread; few: each product spreads over the threads.
    const bool across_batches = batches >= threads_ && threads_ > 1;
    auto product = [&](int64_t i) {
      kernels::Epilogue e = epilogue;
      if (residual) {
        e.residual = residual + i * m * n;
        e.residual_ld = n;
      }
      kernels::F32GemmA a_operand;
      a_operand.matrix = {a + plan_.a_offsets[i] * m * k, k};
      kernels::F32GemmB b_operand;
      b_operand.matrix = {b + plan_.b_offsets[i] * k * n, n};
      if (packed && plan_.b_offsets[i] == 0) b_operand.packed = packed;
      kernels::f32_gemm(m, n, k, a_operand, b_operand, y + i * m * n, n, e, across_batches ? 1 : threads_);
    };
    const kernels::GemmThreadContext gemm_context = kernels::gemm_thread_context();  // the caller's, for every thread
    parallel_for(batches, across_batches ? threads_ : 1, [&](int64_t i) {
      const kernels::GemmThreadScope context(gemm_context);
      product(i);
    });
  }

 private:
  float alpha_ = 1.0f;
  kernels::ActivationSpec activation_;
  MatMulPlan plan_;
};

// Gemm and FusedGemm: Y = activation(alpha * op(A) op(B) + beta * C).
class F32Gemm final : public F32ProductBase {
 public:
  F32Gemm(const OpCreateInfo& info, std::unique_ptr<Operator> reference) : F32ProductBase(info, std::move(reference)) {
    trans_a_ = info.attributes().get_int("transA", 0) != 0;
    trans_b_ = info.attributes().get_int("transB", 0) != 0;
    alpha_ = info.attributes().get_float("alpha", 1.0f);
    beta_ = info.attributes().get_float("beta", 1.0f);
    activation_ = read_fused_activation(info.attributes(), what_);
    pack_constant_b(info, trans_b_);
  }

  bool plan(const OpInputs& in, std::vector<TensorSpec>& outputs) override {
    if (!is_float(in)) return false;
    const Tensor& a = require_input(in, 0, what_);
    const Tensor& b = require_input(in, 1, what_);
    const Tensor* c = has_input(in, 2) ? in[2] : nullptr;
    check_input(a.rank() == 2 && b.rank() == 2, what_, ": A and B must be matrices, not ", shape_to_string(a.shape()),
                " and ", shape_to_string(b.shape()));
    check_input(b.dtype() == DType::Float32 && (!c || c->dtype() == DType::Float32), what_, ": operand types differ");
    m_ = trans_a_ ? a.dim(1) : a.dim(0);
    k_ = trans_a_ ? a.dim(0) : a.dim(1);
    n_ = trans_b_ ? b.dim(0) : b.dim(1);
    check_input((trans_b_ ? b.dim(1) : b.dim(0)) == k_, what_, ": A ", shape_to_string(a.shape()), " and B ",
                shape_to_string(b.shape()), " do not agree on the inner dimension");
    const Shape y_shape{m_, n_};
    c_strides_.clear();
    if (c) {
      check_input(broadcast_shapes(c->shape(), y_shape, what_) == y_shape, what_, ": C ", shape_to_string(c->shape()),
                  " does not broadcast to ", shape_to_string(y_shape));
      c_strides_ = broadcast_strides(c->shape(), y_shape);
    }
    outputs.assign(1, {DType::Float32, y_shape});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const Tensor& a = *in[0];
    const Tensor& b = *in[1];
    float* y = out[0].data<float>();
    kernels::Epilogue epilogue;
    epilogue.scale = alpha_;
    epilogue.activation = activation_;
    if (has_input(in, 2) && beta_ != 0.0f) {
      const float* c = in[2]->data<float>();
      if (beta_ == 1.0f && c_strides_[0] == 0 && c_strides_[1] == 1) {
        epilogue.bias = c;  // a row vector: the bias of each column
        epilogue.bias_per_column = true;
      } else {
        // Y starts as beta * C broadcast and joins the product as its residual.
        for (int64_t i = 0; i < m_; ++i) {
          for (int64_t j = 0; j < n_; ++j) y[i * n_ + j] = beta_ * c[i * c_strides_[0] + j * c_strides_[1]];
        }
        epilogue.residual = y;
        epilogue.residual_ld = n_;
      }
    }
    kernels::F32GemmA a_operand;
    a_operand.matrix = {a.data<float>(), a.dim(1), trans_a_};
    kernels::F32GemmB b_operand;
    b_operand.matrix = {b.data<float>(), b.dim(1), trans_b_};
    b_operand.packed = packed_for(b);
    kernels::f32_gemm(m_, n_, k_, a_operand, b_operand, y, n_, epilogue, threads_);
  }

 private:
  bool trans_a_ = false, trans_b_ = false;
  float alpha_ = 1.0f, beta_ = 1.0f;
  kernels::ActivationSpec activation_;
  int64_t m_ = 0, n_ = 0, k_ = 0;
  Shape c_strides_;
};

}  // namespace

std::unique_ptr<Operator> create_matmul(const OpCreateInfo& info) {
  return std::make_unique<F32MatMul>(info, create_reference_matmul(info));
}

std::unique_ptr<Operator> create_gemm(const OpCreateInfo& info) {
  return std::make_unique<F32Gemm>(info, create_reference_gemm(info));
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Softmax, LogSoftmax and Hardmax. Before opset 13 they coerce the input to 2-D at `axis`
// (default 1) and normalise each row of the flattened trailing dimensions; from opset 13
// they work along the single `axis` (default -1). The losses that build on LogSoftmax
// (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss) are in losses.cc. Float32 Softmax
// and LogSoftmax over contiguous rows (the last axis, or any axis before opset 13) take
// the planned path: max, fused exp-and-sum, scale, one row at a time over threads.
#include <cmath>

#include "kernels/binary.h"
#include "kernels/reduce.h"
#include "kernels/unary.h"
#include "ops/f32_fast_path.h"
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/softmax_internal.h"

namespace vigil {

namespace {

class F32SoftmaxOperator final : public F32FastOperator {
 public:
  F32SoftmaxOperator(std::unique_ptr<Operator> reference, bool log, bool coerce_2d, int64_t axis, int threads)
      : F32FastOperator(std::move(reference)), log_(log), coerce_2d_(coerce_2d), axis_(axis), threads_(threads) {}

  bool plan(const OpInputs& in, std::vector<TensorSpec>& out) override {
    if (!is_f32(in, 0) || in[0]->rank() == 0) return false;
    const int64_t rank = in[0]->rank();
    if (axis_ < -rank || axis_ >= rank) return false;  // the reference reports it
    const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    if (!coerce_2d_ && axis != rank - 1) return false;
    row_ = 1;
    for (int64_t d = axis; d < rank; ++d) row_ *= in[0]->dim(d);
    out.assign(1, TensorSpec{DType::Float32, in[0]->shape()});
    return true;
  }

  void execute(const OpInputs& in, OpOutputs& out) override {
    const int64_t n = row_, rows = n == 0 ? 0 : in[0]->numel() / n;
    const float* x = in[0]->data<float>();
    float* y = out[0].data<float>();
    parallel_ranges_if_large(rows, n, threads_, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const float* xr = x + r * n;
        float* yr = y + r * n;
        const float max = kernels::f32_max(n, xr);
        if (log_) {
          const float sum = kernels::f32_exp_sum(n, xr, max, yr);
          kernels::f32_affine(n, xr, 1.0f, -max - std::log(sum), yr);
        } else {
          const float sum = kernels::f32_exp_sum(n, xr, max, yr);
          kernels::f32_binary_scalar(kernels::BinaryOp::Mul, n, yr, 1.0f / sum, false, yr);
        }
      }
    });
  }

  // LogSoftmax stores the exponentials in the output row and then reads the input again.
  int in_place_input() const override { return log_ ? -1 : 0; }
  std::string algorithm() const override { return "f32_softmax_rows"; }

 private:
  bool log_, coerce_2d_;
  int64_t axis_;
  int threads_;
  int64_t row_ = 0;
};

std::unique_ptr<Operator> make_reference_softmax(const OpCreateInfo& info, SoftmaxKind kind) {
  const std::string what = info.describe();
  const bool coerce_2d = info.opset < 13;
  const int64_t axis_attribute = info.attributes().get_int("axis", coerce_2d ? 1 : -1);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    // A scalar has one line of one element.
    const int64_t rank = std::max<int64_t>(x.rank(), 1);
    const Shape shape = x.rank() == 0 ? Shape{1} : x.shape();
    const int64_t axis = normalize_axis(axis_attribute, rank, what);
    int64_t outer = 1, n = 1, inner = 1;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis)
        outer *= shape[d];
      else if (d == axis || coerce_2d)
        n *= shape[d];
      else
        inner *= shape[d];
    }
    out[0] = Tensor(x.dtype(), x.shape());
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      softmax_lines<T>(x.data<T>(), out[0].data<T>(), outer, n, inner, kind);
    });
  });
}

std::unique_ptr<Operator> make_softmax(const OpCreateInfo& info, SoftmaxKind kind) {
  const bool coerce_2d = info.opset < 13;
  const int64_t axis = info.attributes().get_int("axis", coerce_2d ? 1 : -1);
  return std::make_unique<F32SoftmaxOperator>(make_reference_softmax(info, kind), kind == SoftmaxKind::LogSoftmax,
                                              coerce_2d, axis, info.threads);
}

std::unique_ptr<Operator> create_softmax(const OpCreateInfo& info) { return make_softmax(info, SoftmaxKind::Softmax); }
std::unique_ptr<Operator> create_log_softmax(const OpCreateInfo& info) {
  return make_softmax(info, SoftmaxKind::LogSoftmax);
}
std::unique_ptr<Operator> create_hardmax(const OpCreateInfo& info) {
  return make_reference_softmax(info, SoftmaxKind::Hardmax);
}

}  // namespace

void register_softmax_operators(OpRegistry& registry) {
  registry.add("", "Softmax", create_softmax);
  registry.add("", "LogSoftmax", create_log_softmax);
  registry.add("", "Hardmax", create_hardmax);
  registry.add("", "NegativeLogLikelihoodLoss", create_negative_log_likelihood_loss);
  registry.add("", "SoftmaxCrossEntropyLoss", create_softmax_cross_entropy_loss);
}

}  // namespace vigil

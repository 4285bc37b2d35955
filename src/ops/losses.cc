// SPDX-License-Identifier: Apache-2.0
// The two classification losses of ONNX: NegativeLogLikelihoodLoss on log-probabilities
// (N, C, d1, ...) and SoftmaxCrossEntropyLoss on scores of that shape (LogSoftmax along
// the class axis, then the same loss; its optional second output is the log-probability).
// Targets are class indices (N, d1, ...); optional per-class weights; ignore_index marks
// targets that contribute nothing; reduction none keeps one loss per target, sum adds
// them, mean divides the sum by the total weight of the targets not ignored.
#include <optional>

#include "ops/softmax_internal.h"

namespace vigil {

namespace {

struct LossAttributes {
  std::string reduction;
  std::optional<int64_t> ignore_index;

  static LossAttributes read(const OpCreateInfo& info) {
    LossAttributes result;
    result.reduction = info.attributes().get_string("reduction", "mean");
    check_input(result.reduction == "none" || result.reduction == "sum" || result.reduction == "mean", info.describe(),
                ": unknown reduction '", result.reduction, "'");
    if (info.attributes().has("ignore_index")) result.ignore_index = info.attributes().get_int("ignore_index", 0);
    return result;
  }
};

// The loss of log-probabilities `log_prob` (shape of `scores`) against `target`.
template <class T>
Tensor nll_loss(const T* log_prob, const Shape& shape, const Tensor& target, const Tensor* weight,
                const LossAttributes& a, const std::string& what) {
  check_input(shape.size() >= 2, what, ": the input must be (N, C, d1, ...), not ", shape_to_string(shape));
  Shape target_shape = shape;
  target_shape.erase(target_shape.begin() + 1);
  check_input(target.shape() == target_shape, what, ": target ", shape_to_string(target.shape()), " must have shape ",
              shape_to_string(target_shape));
  check_input(target.dtype() == DType::Int32 || target.dtype() == DType::Int64, what,
              ": target must be int32 or int64");
  const int64_t classes = shape[1], batch = shape[0];
  const int64_t inner = shape_numel(target_shape) / std::max<int64_t>(batch, 1);
  std::vector<double> weights(static_cast<size_t>(classes), 1.0);
  if (weight) {
    check_input(weight->rank() == 1 && weight->dim(0) == classes, what, ": weight must have shape [", classes, "]");
    weights = weight->to_double_vector();
  }
  const std::vector<int64_t> labels = target.to_int64_vector();
  std::vector<double> losses(labels.size(), 0.0);
  double total = 0, total_weight = 0;
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t i = 0; i < inner; ++i) {
      const size_t t = static_cast<size_t>(n * inner + i);
      const int64_t label = labels[t];
      if (a.ignore_index && label == *a.ignore_index) continue;
      check_input(label >= 0 && label < classes, what, ": target ", label, " is outside [0, ", classes, ")");
      const double w = weights[static_cast<size_t>(label)];
      losses[t] = -static_cast<double>(log_prob[(n * classes + label) * inner + i]) * w;
      total += losses[t];
      total_weight += w;
    }
  }
  if (a.reduction == "none") {
    Tensor result(dtype_of<T>(), target_shape);
    for (size_t t = 0; t < losses.size(); ++t) result.data<T>()[t] = static_cast<T>(losses[t]);
    return result;
  }
  return Tensor::scalar<T>(static_cast<T>(a.reduction == "sum" ? total : total / total_weight));
}

}  // namespace

std::unique_ptr<Operator> create_negative_log_likelihood_loss(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const LossAttributes attributes = LossAttributes::read(info);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& input = require_input(in, 0, what);
    const Tensor& target = require_input(in, 1, what);
    const Tensor* weight = has_input(in, 2) ? in[2] : nullptr;
    dispatch_float(input.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      check_input(!weight || weight->dtype() == input.dtype(), what, ": weight type differs from the input's");
      out[0] = nll_loss<T>(input.data<T>(), input.shape(), target, weight, attributes, what);
    });
  });
}

std::unique_ptr<Operator> create_softmax_cross_entropy_loss(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const LossAttributes attributes = LossAttributes::read(info);
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor& scores = require_input(in, 0, what);
    const Tensor& labels = require_input(in, 1, what);
    const Tensor* weight = has_input(in, 2) ? in[2] : nullptr;
    check_input(scores.rank() >= 2, what, ": scores must be (N, C, d1, ...), not ", shape_to_string(scores.shape()));
    dispatch_float(scores.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      check_input(!weight || weight->dtype() == scores.dtype(), what, ": weight type differs from the scores'");
      Tensor log_prob(scores.dtype(), scores.shape());
      const int64_t classes = scores.dim(1);
      const int64_t inner = scores.numel() / std::max<int64_t>(scores.dim(0) * classes, 1);
      softmax_lines<T>(scores.data<T>(), log_prob.data<T>(), scores.dim(0), classes, inner, SoftmaxKind::LogSoftmax);
      out[0] = nll_loss<T>(log_prob.data<T>(), scores.shape(), labels, weight, attributes, what);
      if (out.size() > 1) out[1] = log_prob;
    });
  });
}

}  // namespace vigil

// Softmax, LogSoftmax and Hardmax. Before opset 13 they coerce the input to 2-D at `axis`
// (default 1) and normalise each row of the flattened trailing dimensions; from opset 13
// they work along the single `axis` (default -1). The losses that build on LogSoftmax
// (NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss) are in losses.cc.
#include "ops/families.h"
#include "ops/registry.h"
#include "ops/softmax_internal.h"

namespace vigil {

namespace {

std::unique_ptr<Operator> make_softmax(const OpCreateInfo& info, SoftmaxKind kind) {
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
      if (d < axis) outer *= shape[d];
      else if (d == axis || coerce_2d) n *= shape[d];
      else inner *= shape[d];
    }
    out[0] = Tensor(x.dtype(), x.shape());
    dispatch_float(x.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      softmax_lines<T>(x.data<T>(), out[0].data<T>(), outer, n, inner, kind);
    });
  });
}

std::unique_ptr<Operator> create_softmax(const OpCreateInfo& info) { return make_softmax(info, SoftmaxKind::Softmax); }
std::unique_ptr<Operator> create_log_softmax(const OpCreateInfo& info) {
  return make_softmax(info, SoftmaxKind::LogSoftmax);
}
std::unique_ptr<Operator> create_hardmax(const OpCreateInfo& info) { return make_softmax(info, SoftmaxKind::Hardmax); }

}  // namespace

void register_softmax_operators(OpRegistry& registry) {
  registry.add("", "Softmax", create_softmax);
  registry.add("", "LogSoftmax", create_log_softmax);
  registry.add("", "Hardmax", create_hardmax);
  registry.add("", "NegativeLogLikelihoodLoss", create_negative_log_likelihood_loss);
  registry.add("", "SoftmaxCrossEntropyLoss", create_softmax_cross_entropy_loss);
}

}  // namespace vigil

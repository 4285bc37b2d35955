// SPDX-License-Identifier: Apache-2.0
// Softmax family and losses against hand-computed results: the opset-13 change of axis
// semantics, Hardmax ties, NegativeLogLikelihoodLoss weights / ignore_index / reductions,
// SoftmaxCrossEntropyLoss with its log_prob output, and bad targets raising vigil::Error.
#include <cmath>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

TEST(Softmax, CoercionBeforeOpset13) {
  const Tensor x = make<float>({1, 2, 2}, {0, 0, 0, 0});
  expect_near(OpRunner("Softmax", 11).attr("axis", 1).run1({x}), {0.25f, 0.25f, 0.25f, 0.25f});
  expect_near(OpRunner("Softmax", 13).attr("axis", 1).run1({x}), {0.5f, 0.5f, 0.5f, 0.5f});
}

TEST(Softmax, LogSoftmaxAndLargeValues) {
  const float ln3 = std::log(3.0f);
  expect_near(OpRunner("LogSoftmax").run1({make<float>({2}, {0, ln3})}), {std::log(0.25f), std::log(0.75f)});
  expect_near(OpRunner("Softmax").run1({make<float>({2}, {1000, 1000})}), {0.5f, 0.5f});
}

TEST(Hardmax, FirstMaximumWins) { expect_near(OpRunner("Hardmax").run1({make<float>({1, 3}, {2, 5, 5})}), {0, 1, 0}); }

TEST(NegativeLogLikelihoodLoss, WeightsIgnoreIndexAndReductions) {
  const Tensor input = make<float>({2, 2}, {-1, -2, -3, -4});
  const Tensor target = make<int64_t>({2}, {1, 0});
  const Tensor weight = make<float>({2}, {1, 3});
  auto loss = [] { return OpRunner("NegativeLogLikelihoodLoss"); };
  expect_near(loss().run1({input, target, weight}), {2.25f});
  expect_near(loss().attr("ignore_index", 1).run1({input, target, weight}), {3});
  expect_near(loss().attr("reduction", "none").run1({input, target, weight}), {6, 3});
  expect_near(loss().attr("reduction", "sum").run1({input, target}), {5});
  expect_error(ErrorKind::BadInput, [&] { loss().run1({input, make<int64_t>({2}, {2, 0})}); });
  expect_error(ErrorKind::BadInput, [&] { loss().attr("reduction", "max").run1({input, target}); });
}

TEST(SoftmaxCrossEntropyLoss, LossAndLogProb) {
  const auto y = OpRunner("SoftmaxCrossEntropyLoss", 13).run({make<float>({1, 2}, {0, 0}), make<int32_t>({1}, {0})}, 2);
  const float ln2 = std::log(2.0f);
  expect_near(y[0], {ln2});
  expect_near(y[1], {-ln2, -ln2});
}

}  // namespace
}  // namespace vigil::testing

// Softmax family and losses against hand-computed results: the opset-13 change of axis
// semantics, Hardmax ties, NegativeLogLikelihoodLoss weights / ignore_index / reductions,
// SoftmaxCrossEntropyLoss with its log_prob output, and bad targets raising vigil::Error.
#include <cmath>

#include "ops/nn_test_util.h"

namespace vigil {
namespace {

using namespace nn_testing;

TEST(Softmax, CoercionBeforeOpset13) {
  const Tensor x = floats({1, 2, 2}, {0, 0, 0, 0});
  expect_near(values(run("Softmax", {x}, {{"axis", integer(1)}}, 11)[0]), {0.25f, 0.25f, 0.25f, 0.25f});
  expect_near(values(run("Softmax", {x}, {{"axis", integer(1)}}, 13)[0]), {0.5f, 0.5f, 0.5f, 0.5f});
}

TEST(Softmax, LogSoftmaxAndLargeValues) {
  const float ln3 = std::log(3.0f);
  expect_near(values(run("LogSoftmax", {floats({2}, {0, ln3})})[0]), {std::log(0.25f), std::log(0.75f)});
  expect_near(values(run("Softmax", {floats({2}, {1000, 1000})})[0]), {0.5f, 0.5f});
}

TEST(Hardmax, FirstMaximumWins) {
  expect_near(values(run("Hardmax", {floats({1, 3}, {2, 5, 5})})[0]), {0, 1, 0});
}

TEST(NegativeLogLikelihoodLoss, WeightsIgnoreIndexAndReductions) {
  const Tensor input = floats({2, 2}, {-1, -2, -3, -4});
  const Tensor target = Tensor::from_vector<int64_t>({2}, {1, 0});
  const Tensor weight = floats({2}, {1, 3});
  expect_near(values(run("NegativeLogLikelihoodLoss", {input, target, weight})[0]), {2.25f});
  expect_near(values(run("NegativeLogLikelihoodLoss", {input, target, weight}, {{"ignore_index", integer(1)}})[0]),
              {3});
  expect_near(values(run("NegativeLogLikelihoodLoss", {input, target, weight}, {{"reduction", text("none")}})[0]),
              {6, 3});
  expect_near(values(run("NegativeLogLikelihoodLoss", {input, target}, {{"reduction", text("sum")}})[0]), {5});
  EXPECT_THROW(run("NegativeLogLikelihoodLoss", {input, Tensor::from_vector<int64_t>({2}, {2, 0})}), Error);
  EXPECT_THROW(run("NegativeLogLikelihoodLoss", {input, target}, {{"reduction", text("max")}}), Error);
}

TEST(SoftmaxCrossEntropyLoss, LossAndLogProb) {
  const auto y = run("SoftmaxCrossEntropyLoss", {floats({1, 2}, {0, 0}), Tensor::from_vector<int32_t>({1}, {0})}, {},
                     13, 2);
  const float ln2 = std::log(2.0f);
  expect_near(values(y[0]), {ln2});
  expect_near(values(y[1]), {-ln2, -ln2});
}

}  // namespace
}  // namespace vigil

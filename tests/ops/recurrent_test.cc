// SPDX-License-Identifier: Apache-2.0
// RNN, GRU and LSTM on tiny cases (hidden size 1 or 2) whose expected values are the
// gate equations written out by hand: each attribute, sequence_lens in both directions,
// layout 1, and the bad inputs that must raise errors.
#include <cmath>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

float sigmoid(float x) { return 1.0f / (1.0f + std::exp(-x)); }

// X [seq 2, batch 1, input 1] = {1, 2}; W = 0.5, R = 0.5, B = (0.1, 0.2).
const Tensor kX = make<float>({2, 1, 1}, {1, 2});
const Tensor kW = make<float>({1, 1, 1}, {0.5f});
const Tensor kR = make<float>({1, 1, 1}, {0.5f});
const Tensor kB = make<float>({1, 2}, {0.1f, 0.2f});

TEST(RecurrentTest, RnnForwardWithBias) {
  const auto out = OpRunner("RNN", 14).attr("hidden_size", 1).run({kX, kW, kR, kB}, 2);
  const float h1 = std::tanh(0.5f + 0.3f);
  const float h2 = std::tanh(1.0f + 0.5f * h1 + 0.3f);
  expect_tensor<float>(out[0], {2, 1, 1, 1}, {h1, h2});
  expect_tensor<float>(out[1], {1, 1, 1}, {h2});
}

TEST(RecurrentTest, RnnReverseWithInitialStateAndNoBias) {
  const Tensor h0 = make<float>({1, 1, 1}, {1});
  const auto out =
      OpRunner("RNN", 14).attr("direction", std::string("reverse")).run({kX, kW, kR, Tensor(), Tensor(), h0}, 2);
  const float h_t1 = std::tanh(1.0f + 0.5f);         // step t = 1 first
  const float h_t0 = std::tanh(0.5f + 0.5f * h_t1);  // then t = 0
  expect_tensor<float>(out[0], {2, 1, 1, 1}, {h_t0, h_t1});
  expect_tensor<float>(out[1], {1, 1, 1}, {h_t0});
}

TEST(RecurrentTest, RnnAffineActivationAlphaBetaAndClip) {
  // Affine(x) = 2x + 1 on the clipped input: step 0 input 0.5 + 0.3 = 0.8 -> clip 0.6 -> 2.2;
  // step 1: 1.0 + 0.5 * 2.2 + 0.3 = 2.4 -> 0.6 -> 2.2.
  const auto out = OpRunner("RNN", 14)
                       .attr("activations", std::vector<std::string>{"affine"})
                       .attr("activation_alpha", std::vector<float>{2})
                       .attr("activation_beta", std::vector<float>{1})
                       .attr("clip", 0.6f)
                       .run({kX, kW, kR, kB}, 2);
  expect_tensor<float>(out[0], {2, 1, 1, 1}, {2.2f, 2.2f});
}

TEST(RecurrentTest, ActivationsTakeDefaultsAndAlphasInOrder) {
  // Relu takes no alpha, so 0.5 goes to LeakyRelu (direction 0) and ThresholdedRelu
  // (direction 1) keeps its default 1.
  const Tensor x = make<float>({1, 1, 1}, {-2});
  const Tensor w = make<float>({2, 1, 1}, {1, -0.6f});
  const Tensor r = make<float>({2, 1, 1}, {0, 0});
  const auto out = OpRunner("RNN", 14)
                       .attr("direction", std::string("bidirectional"))
                       .attr("activations", std::vector<std::string>{"LeakyRelu", "ThresholdedRelu"})
                       .attr("activation_alpha", std::vector<float>{0.5f})
                       .run({x, w, r}, 2);
  expect_tensor<float>(out[0], {1, 2, 1, 1}, {-1.0f, 1.2f});
}

TEST(RecurrentTest, EveryActivationFunction) {
  const Tensor x = make<float>({1, 1, 1}, {-1});
  const Tensor w = make<float>({1, 1, 1}, {1});
  const Tensor r = make<float>({1, 1, 1}, {0});
  struct Case {
    const char* name;
    float expected;
  };
  const Case cases[] = {
      {"Relu", 0},
      {"Tanh", std::tanh(-1.0f)},
      {"Sigmoid", sigmoid(-1)},
      {"Affine", -1},
      {"LeakyRelu", -0.01f},
      {"ThresholdedRelu", 0},
      {"ScaledTanh", std::tanh(-1.0f)},
      {"HardSigmoid", 0.3f},
      {"Elu", std::exp(-1.0f) - 1},
      {"Softsign", -0.5f},
      {"Softplus", std::log(1 + std::exp(-1.0f))},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const Tensor y = OpRunner("RNN", 14).attr("activations", std::vector<std::string>{c.name}).run1({x, w, r});
    expect_tensor<float>(y, {1, 1, 1, 1}, {c.expected});
  }
}

TEST(RecurrentTest, SequenceLensStopRowsInBothDirections) {
  // batch 2 with lengths 2 and 1, W = 1, R = 0, RNN Affine identity: H_t = x_t.
  const Tensor x = make<float>({2, 2, 1}, {1, 10, 2, 20});
  const Tensor w = make<float>({2, 1, 1}, {1, 1});
  const Tensor r = make<float>({2, 1, 1}, {0, 0});
  const Tensor lens = make<int32_t>({2}, {2, 1});
  const auto out = OpRunner("RNN", 14)
                       .attr("direction", std::string("bidirectional"))
                       .attr("activations", std::vector<std::string>{"Affine", "Affine"})
                       .run({x, w, r, Tensor(), lens}, 2);
  // Y [seq, dir, batch, 1]: row 1 past its end (t = 1) is zero in both directions.
  expect_tensor<float>(out[0], {2, 2, 2, 1}, {1, 10, 1, 10, 2, 0, 2, 0});
  // Y_h: forward holds each row's last valid step, reverse ends at t = 0.
  expect_tensor<float>(out[1], {2, 2, 1}, {2, 10, 1, 10});
}

TEST(RecurrentTest, ReverseRunsEachRowFromItsOwnEnd) {
  // Affine with R = 1 accumulates: reverse over a row of length 2 out of 3 sums x1 + x0.
  const Tensor x = make<float>({3, 1, 1}, {1, 2, 4});
  const Tensor one = make<float>({1, 1, 1}, {1});
  const auto out = OpRunner("RNN", 14)
                       .attr("direction", std::string("reverse"))
                       .attr("activations", std::vector<std::string>{"Affine"})
                       .run({x, one, one, Tensor(), make<int64_t>({1}, {2})}, 2);
  expect_tensor<float>(out[0], {3, 1, 1, 1}, {3, 2, 0});
  expect_tensor<float>(out[1], {1, 1, 1}, {3});
}

TEST(RecurrentTest, LayoutOneMovesBatchFirst) {
  // X [batch 2, seq 2, input 1]; identity RNN with R = 1 accumulates along each row.
  const Tensor x = make<float>({2, 2, 1}, {1, 2, 10, 20});
  const Tensor one = make<float>({1, 1, 1}, {1});
  const Tensor h0 = make<float>({2, 1, 1}, {100, 200});
  const auto out = OpRunner("RNN", 14)
                       .attr("layout", 1)
                       .attr("activations", std::vector<std::string>{"Affine"})
                       .run({x, one, one, Tensor(), Tensor(), h0}, 2);
  expect_tensor<float>(out[0], {2, 2, 1, 1}, {101, 103, 210, 230});
  expect_tensor<float>(out[1], {2, 1, 1}, {103, 230});
}

TEST(RecurrentTest, GruBothResetModes) {
  // One step, hidden 1: W = (wz, wr, wh), R = (rz, rr, rh), B = (Wb zrh, Rb zrh), H0 = 0.5.
  const Tensor x = make<float>({1, 1, 1}, {1});
  const Tensor w = make<float>({1, 3, 1}, {0.1f, 0.2f, 0.3f});
  const Tensor r = make<float>({1, 3, 1}, {0.4f, 0.5f, 0.6f});
  const Tensor b = make<float>({1, 6}, {0.01f, 0.02f, 0.03f, 0.04f, 0.05f, 0.06f});
  const Tensor h0 = make<float>({1, 1, 1}, {0.5f});
  const float z = sigmoid(0.1f + 0.4f * 0.5f + 0.05f);
  const float rr = sigmoid(0.2f + 0.5f * 0.5f + 0.07f);
  const float h_default = std::tanh(0.3f + 0.6f * (rr * 0.5f) + 0.06f + 0.03f);
  const float h_linear = std::tanh(0.3f + rr * (0.6f * 0.5f + 0.06f) + 0.03f);
  for (int lbr : {0, 1}) {
    const float candidate = lbr ? h_linear : h_default;
    const float expected = (1 - z) * candidate + z * 0.5f;
    const auto out = OpRunner("GRU", 14).attr("linear_before_reset", lbr).run({x, w, r, b, Tensor(), h0}, 2);
    expect_tensor<float>(out[0], {1, 1, 1, 1}, {expected});
    expect_tensor<float>(out[1], {1, 1, 1}, {expected});
  }
}

TEST(RecurrentTest, LstmPeepholesAndInputForget) {
  // One step, hidden 1; W (iofc) = (0.1, 0.2, 0.3, 0.4), R = 0, P (iof) = (0.5, 0.6, 0.7), C0 = 1.
  const Tensor x = make<float>({1, 1, 1}, {1});
  const Tensor w = make<float>({1, 4, 1}, {0.1f, 0.2f, 0.3f, 0.4f});
  const Tensor r = make<float>({1, 4, 1}, {0, 0, 0, 0});
  const Tensor c0 = make<float>({1, 1, 1}, {1});
  const Tensor p = make<float>({1, 3}, {0.5f, 0.6f, 0.7f});
  for (int input_forget : {0, 1}) {
    const float i = sigmoid(0.1f + 0.5f);
    const float f = input_forget ? 1 - i : sigmoid(0.3f + 0.7f);
    const float c = f * 1 + i * std::tanh(0.4f);
    const float o = sigmoid(0.2f + 0.6f * c);
    const float h = o * std::tanh(c);
    const auto out =
        OpRunner("LSTM", 14).attr("input_forget", input_forget).run({x, w, r, Tensor(), Tensor(), Tensor(), c0, p}, 3);
    expect_tensor<float>(out[0], {1, 1, 1, 1}, {h});
    expect_tensor<float>(out[1], {1, 1, 1}, {h});
    expect_tensor<float>(out[2], {1, 1, 1}, {c});
  }
}

TEST(RecurrentTest, DoubleLstmKeepsPrecision) {
  const Tensor x = make<double>({1, 1, 1}, {1});
  const Tensor w = make<double>({1, 4, 1}, {1, 1, 1, 1});
  const Tensor r = make<double>({1, 4, 1}, {0, 0, 0, 0});
  const double s = 1 / (1 + std::exp(-1.0));
  const double c = s * std::tanh(1.0);
  const auto out = OpRunner("LSTM", 14).run({x, w, r}, 3);
  expect_tensor<double>(out[1], {1, 1, 1}, {s * std::tanh(c)});
  expect_tensor<double>(out[2], {1, 1, 1}, {c});
}

TEST(RecurrentTest, BadInputsRaise) {
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("RNN", 14).attr("direction", std::string("up")).run1({kX, kW, kR});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("RNN", 14).attr("activations", std::vector<std::string>{"Swish"}).run1({kX, kW, kR});
  });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("GRU", 14).attr("activations", std::vector<std::string>{"Tanh"}).run1({kX, kW, kR});
  });
  // W of an RNN must be [1, hidden, input]; hidden_size must match R.
  expect_error(ErrorKind::BadInput, [] { OpRunner("GRU", 14).run1({kX, kW, kR}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("RNN", 14).attr("hidden_size", 2).run1({kX, kW, kR}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("RNN", 14).run1({kX, kW, kR, Tensor(), make<int32_t>({1}, {3})}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("RNN", 14).run1({kX, kW, kR, make<float>({1, 3}, {0, 0, 0})}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("RNN", 14).run1({kX, make<double>({1, 1, 1}, {1}), kR}); });
  expect_error(ErrorKind::Unsupported, [] {
    const Tensor i = make<int32_t>({1, 1, 1}, {1});
    OpRunner("RNN", 14).run1({i, i, i});
  });
}

}  // namespace
}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// QONNX's quantizers against the numbers of the QONNX operator documentation: the rounding
// table (5.5, 2.5, 1.6, 1.1, 1.0 and their negatives under every mode), signed, unsigned
// and narrow ranges with the clamp before rounding, per-channel scales, BipolarQuant, and
// both versions of Trunc.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

OpRunner qonnx(const std::string& op) {
  OpRunner runner(op, 1);
  runner.domain("qonnx.custom_op.general");
  return runner;
}

Tensor scalar(float v) { return make<float>({}, {v}); }

TEST(Qonnx, QuantRoundingModesOfThePublishedTable) {
  const std::vector<float> x = {5.5f, 2.5f, 1.6f, 1.1f, 1.0f, -1.0f, -1.1f, -1.6f, -2.5f, -5.5f};
  const std::map<std::string, std::vector<float>> expected = {
      {"ROUND", {6, 2, 2, 1, 1, -1, -1, -2, -2, -6}},    {"CEIL", {6, 3, 2, 2, 1, -1, -1, -1, -2, -5}},
      {"FLOOR", {5, 2, 1, 1, 1, -1, -2, -2, -3, -6}},    {"UP", {6, 3, 2, 2, 1, -1, -2, -2, -3, -6}},
      {"DOWN", {5, 2, 1, 1, 1, -1, -1, -1, -2, -5}},     {"HALF_UP", {6, 3, 2, 1, 1, -1, -1, -2, -3, -6}},
      {"half_down", {5, 2, 2, 1, 1, -1, -1, -2, -2, -5}}};
  for (const auto& [mode, values] : expected) {
    const Tensor y = qonnx("Quant")
                         .attr("rounding_mode", mode)
                         .run1({make<float>({10}, x), scalar(1.0f), scalar(0.0f), scalar(8.0f)});
    expect_tensor<float>(y, {10}, values);
  }
}

TEST(Qonnx, QuantRangesClampBeforeRounding) {
  // 4-bit signed [-8, 7], narrow [-7, 7], unsigned [0, 15], unsigned narrow [0, 14]; scale
  // 0.5 and zero point 1: x / 0.5 + 1 = [-19 -13.4 3 7.5 40] before the clamp.
  const Tensor x = make<float>({5}, {-10.0f, -7.2f, 1.0f, 3.25f, 19.5f});
  auto run = [&](int is_signed, int narrow) {
    return qonnx("Quant")
        .attr("signed", is_signed)
        .attr("narrow", narrow)
        .run1({x, scalar(0.5f), scalar(1.0f), make<int32_t>({}, {4})});
  };
  // q = [-8 -8 3 7 7] -> (q - 1) x 0.5.
  expect_tensor<float>(run(1, 0), {5}, {-4.5f, -4.5f, 1.0f, 3.0f, 3.0f});
  expect_tensor<float>(run(1, 1), {5}, {-4.0f, -4.0f, 1.0f, 3.0f, 3.0f});
  // Unsigned: q = [0 0 3 8 (7.5 ties to even) 15]; narrow caps at 14.
  expect_tensor<float>(run(0, 0), {5}, {-0.5f, -0.5f, 1.0f, 3.5f, 7.0f});
  expect_tensor<float>(run(0, 1), {5}, {-0.5f, -0.5f, 1.0f, 3.5f, 6.5f});
}

TEST(Qonnx, QuantPerChannelScaleAndErrors) {
  // Scales [1 0.25] along the last axis: [0.3 0.3] -> [0 1.2 -> 1] x scale.
  const Tensor y = qonnx("Quant").run1(
      {make<float>({1, 2}, {0.3f, 0.3f}), make<float>({1, 2}, {1.0f, 0.25f}), scalar(0.0f), scalar(8.0f)});
  expect_tensor<float>(y, {1, 2}, {0.0f, 0.25f});
  expect_error(ErrorKind::BadInput, [] {
    qonnx("Quant").attr("rounding_mode", std::string("SIDEWAYS")).run1({scalar(1), scalar(1), scalar(0), scalar(8)});
  });
  expect_error(ErrorKind::BadInput, [] { qonnx("Quant").run1({scalar(1), scalar(1), scalar(0), scalar(2.5f)}); });
}

TEST(Qonnx, BipolarQuantAndTrunc) {
  expect_tensor<float>(qonnx("BipolarQuant").run1({make<float>({3}, {-0.1f, 0.0f, 2.0f}), scalar(0.5f)}), {3},
                       {-0.5f, 0.5f, 0.5f});
  // Version 1: round(x) / 2^(8 - 4), floored, times the scale: [37 -37 100] -> [2 -3 6].
  expect_tensor<float>(qonnx("Trunc").run1({make<float>({3}, {37.0f, -37.0f, 100.0f}), scalar(1.0f), scalar(0.0f),
                                            scalar(8.0f), scalar(4.0f)}),
                       {3}, {2.0f, -3.0f, 6.0f});
  // Version 2: out_scale 16 = 2^4 x scale; 4-bit signed range clamps 100 / 16 = 6.25 at 6,
  // and 200 / 16 = 12.5 at 7.
  expect_tensor<float>(qonnx("Trunc").run1({make<float>({3}, {37.0f, 100.0f, 200.0f}), scalar(1.0f), scalar(0.0f),
                                            scalar(8.0f), scalar(16.0f), scalar(4.0f)}),
                       {3}, {32.0f, 96.0f, 112.0f});
}

}  // namespace
}  // namespace vigil::testing

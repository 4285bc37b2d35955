// SPDX-License-Identifier: Apache-2.0
// DFT, STFT, the window generators and MelWeightMatrix against hand-computed spectra and
// window values: every attribute, dft_length padding and truncation, opset 20's axis
// input, and bad shapes raising errors.
#include <gtest/gtest.h>

#include "ops/op_test_util.h"

namespace vigil {
namespace {

using testing::expect_error;
using testing::expect_near;
using testing::expect_tensor;
using testing::make;
using testing::OpRunner;

// The real signal 1, 2, 3, 4 as [batch 1, length 4, 1].
Tensor ramp() { return make<float>({1, 4, 1}, {1, 2, 3, 4}); }

TEST(SignalOps, DftOfRealSignal) {
  // X[k] = sum x[t] e^{-2 pi i k t / 4}: 10, -2+2i, -2, -2-2i.
  const Tensor y = OpRunner("DFT", 17).run1({ramp()});
  EXPECT_EQ(y.shape(), (Shape{1, 4, 2}));
  expect_near(y, {10, 0, -2, 2, -2, 0, -2, -2});
}

TEST(SignalOps, DftOnesidedKeepsHalfTheBins) {
  const Tensor y = OpRunner("DFT", 17).attr("onesided", 1).run1({ramp()});
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2}));
  expect_near(y, {10, 0, -2, 2, -2, 0});
}

TEST(SignalOps, DftInverseRoundTripsAComplexSpectrum) {
  const Tensor spectrum = make<float>({1, 4, 2}, {10, 0, -2, 2, -2, 0, -2, -2});
  const Tensor y = OpRunner("DFT", 17).attr("inverse", 1).run1({spectrum});
  expect_near(y, {1, 0, 2, 0, 3, 0, 4, 0});
}

TEST(SignalOps, DftLengthTruncatesAndPads) {
  // Truncated to 1, 2: bins 3 and -1.
  Tensor y = OpRunner("DFT", 17).run1({ramp(), make<int64_t>({}, {2})});
  expect_near(y, {3, 0, -1, 0});
  // Zero-padded to 1, 2, 0, 0 from 1, 2: bins 3, 1-2i, -1, 1+2i.
  const Tensor short_signal = make<double>({1, 2, 1}, {1, 2});
  y = OpRunner("DFT", 17).run1({short_signal, make<int32_t>({1}, {4})});
  expect_tensor<double>(y, {1, 4, 2}, {3, 0, 1, -2, -1, 0, 1, 2});
}

TEST(SignalOps, DftAlongAnotherAxis) {
  // [1, 2, 2, 1]: rows 1, 2 and 3, 4; the transform runs along the last signal axis.
  const Tensor x = make<float>({1, 2, 2, 1}, {1, 2, 3, 4});
  Tensor y = OpRunner("DFT", 17).attr("axis", 2).run1({x});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
  expect_near(y, {3, 0, -1, 0, 7, 0, -1, 0});
  // Along axis 1: columns 1, 3 and 2, 4.
  y = OpRunner("DFT", 17).run1({x});
  expect_near(y, {4, 0, 6, 0, -2, 0, -2, 0});
  // Opset 20 takes the axis as an input, -2 by default (the last signal axis).
  y = OpRunner("DFT", 20).run1({x});
  expect_near(y, {3, 0, -1, 0, 7, 0, -1, 0});
  y = OpRunner("DFT", 20).run1({x, Tensor(), make<int64_t>({}, {1})});
  expect_near(y, {4, 0, 6, 0, -2, 0, -2, 0});
}

TEST(SignalOps, DftRejectsBadInputs) {
  expect_error(ErrorKind::BadInput, [] { OpRunner("DFT", 17).run1({make<float>({1, 2, 3}, {1, 2, 3, 4, 5, 6})}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("DFT", 17).attr("axis", 2).run1({ramp()}); });
  expect_error(ErrorKind::BadInput, [] { OpRunner("DFT", 17).run1({ramp(), make<int64_t>({}, {0})}); });
  expect_error(ErrorKind::Unsupported, [] { OpRunner("DFT", 17).run1({make<int32_t>({1, 2, 1}, {1, 2})}); });
}

TEST(SignalOps, StftFramesAndWindow) {
  // Frames 1, 2 and 3, 4 (step 2, length 2), onesided: 2 bins each.
  Tensor y = OpRunner("STFT", 17).run1({ramp(), make<int64_t>({}, {2}), Tensor(), make<int64_t>({}, {2})});
  EXPECT_EQ(y.shape(), (Shape{1, 2, 2, 2}));
  expect_near(y, {3, 0, -1, 0, 7, 0, -1, 0});
  // Window 0.5, 1 weighs the frames to 0.5, 2 and 1.5, 4; step 1 gives three frames.
  const Tensor window = make<float>({2}, {0.5f, 1});
  y = OpRunner("STFT", 17).run1({ramp(), make<int64_t>({}, {1}), window});
  EXPECT_EQ(y.shape(), (Shape{1, 3, 2, 2}));
  expect_near(y, {2.5f, 0, -1.5f, 0, 4, 0, -2, 0, 5.5f, 0, -2.5f, 0});
  // Two-sided, complex signal i, 2i: bins 3i and -i.
  const Tensor complex_signal = make<float>({1, 2, 2}, {0, 1, 0, 2});
  y = OpRunner("STFT", 17).attr("onesided", 0).run1({complex_signal, make<int64_t>({}, {2})});
  EXPECT_EQ(y.shape(), (Shape{1, 1, 2, 2}));
  expect_near(y, {0, 3, 0, -1});
}

TEST(SignalOps, StftRejectsBadInputs) {
  expect_error(ErrorKind::BadInput, [] { OpRunner("STFT", 17).run1({ramp(), make<int64_t>({}, {0})}); });
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("STFT", 17).run1({ramp(), make<int64_t>({}, {1}), Tensor(), make<int64_t>({}, {5})});
  });
}

TEST(SignalOps, Windows) {
  const Tensor four = make<int64_t>({}, {4});
  const Tensor three = make<int32_t>({}, {3});
  expect_tensor<float>(OpRunner("HannWindow", 17).run1({four}), {4}, {0, 0.5f, 1, 0.5f});
  expect_tensor<float>(OpRunner("HannWindow", 17).attr("periodic", 0).run1({three}), {3}, {0, 1, 0});
  // Hamming: 25/46 - 21/46 cos(2 pi n / N).
  expect_tensor<float>(OpRunner("HammingWindow", 17).run1({four}), {4}, {4.0f / 46, 25.0f / 46, 1, 25.0f / 46});
  expect_tensor<double>(OpRunner("BlackmanWindow", 17).attr("periodic", 0).attr("output_datatype", 11).run1({three}),
                        {3}, {0, 1, 0});
  // Periodic Blackman of 4: 0.42 - 0.5 cos + 0.08 cos(2x) at x = 0, pi/2, pi, 3pi/2.
  expect_tensor<float>(OpRunner("BlackmanWindow", 17).run1({four}), {4}, {0, 0.34f, 1, 0.34f});
  // A symmetric window of one point is 1.
  expect_tensor<float>(OpRunner("HannWindow", 17).attr("periodic", 0).run1({make<int64_t>({}, {1})}), {1}, {1});
  expect_error(ErrorKind::BadInput, [] { OpRunner("HannWindow", 17).run1({make<int64_t>({}, {-1})}); });
  // A length beyond the memory budget is one error, not a std::length_error or a crash.
  expect_error(ErrorKind::BadInput, [] { OpRunner("HannWindow", 17).run1({make<int64_t>({}, {int64_t{1} << 60})}); });
}

Tensor scalar_i(int64_t v) { return make<int64_t>({}, {v}); }
Tensor scalar_f(float v) { return make<float>({}, {v}); }

TEST(SignalOps, MelWeightMatrix) {
  // One mel bin from 0 Hz, 10-point spectrum at 11 Hz: the edges (mel step = span / 3)
  // fall at 1.66 and 3.33 spectrum bins, rounded down to 1 and 3.
  const Tensor y =
      OpRunner("MelWeightMatrix", 17).run1({scalar_i(1), scalar_i(10), scalar_i(11), scalar_f(0), scalar_f(5)});
  expect_tensor<float>(y, {6, 1}, {0, 1, 0.5f, 0, 0, 0});
  const Tensor d = OpRunner("MelWeightMatrix", 17)
                       .attr("output_datatype", 11)
                       .run1({scalar_i(1), scalar_i(10), scalar_i(11), scalar_f(0), scalar_f(5)});
  expect_tensor<double>(d, {6, 1}, {0, 1, 0.5, 0, 0, 0});
  // An upper edge past the spectrum is bad input.
  expect_error(ErrorKind::BadInput, [] {
    OpRunner("MelWeightMatrix", 17).run1({scalar_i(1), scalar_i(10), scalar_i(11), scalar_f(0), scalar_f(100)});
  });
}

}  // namespace
}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// vigil's integer operators of QDQ groups (QConv, QGemm, QAdd): the fast paths (weights
// packed at creation, the int8 GEMM on every instruction-set path this CPU has) bit-exact
// against the reference path of the same operator (weights given at run time), the
// reference against the fixed-point formula computed here, and against ONNX's float
// requantization (QLinearConv) within one step; depthwise planes checked by ABFT.
#include <gtest/gtest.h>

#include <random>

#include "core/cpu_features.h"
#include "kernels/gemm_check.h"
#include "kernels/requantize.h"
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

std::vector<Isa> available_paths() {
  std::vector<Isa> paths;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (static_cast<int>(isa) <= static_cast<int>(detected_isa())) paths.push_back(isa);
  }
  return paths;
}

template <class T>
Tensor random_bytes(const Shape& shape, uint32_t seed) {
  Tensor t(std::is_signed_v<T> ? DType::Int8 : DType::UInt8, shape);
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> distribution(std::numeric_limits<T>::lowest(), std::numeric_limits<T>::max());
  for (int64_t i = 0; i < t.numel(); ++i) t.data<T>()[i] = static_cast<T>(distribution(generator));
  return t;
}

Tensor scalar(float value) { return make<float>({}, {value}); }

std::vector<float> channel_scales(int64_t channels, float base) {
  std::vector<float> scales;
  for (int64_t c = 0; c < channels; ++c) scales.push_back(base * (1.0f + 0.37f * static_cast<float>(c % 5)));
  return scales;
}

struct ConvCase {
  Shape x, w;
  std::vector<int64_t> pads, strides;
  int64_t group;
  bool signed_input;
  const char* activation;  // "", "Relu", "Clip"
};

// QConv's inputs for one case: x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B, B_scale.
std::vector<Tensor> conv_inputs(const ConvCase& c) {
  const int64_t m = c.w[0];
  std::vector<int32_t> bias(static_cast<size_t>(m));
  for (int64_t i = 0; i < m; ++i) bias[i] = static_cast<int32_t>(i * 977 % 4001) - 2000;
  const float x_scale = 0.02f;
  const std::vector<float> w_scales = channel_scales(m, 0.003f);
  std::vector<float> bias_scales;
  for (float s : w_scales) bias_scales.push_back(x_scale * s);
  const Tensor x_zero_point = c.signed_input ? make<int8_t>({}, {-7}) : make<uint8_t>({}, {131});
  return {c.signed_input ? random_bytes<int8_t>(c.x, 1) : random_bytes<uint8_t>(c.x, 1),
          scalar(x_scale),
          x_zero_point,
          random_bytes<int8_t>(c.w, 2),
          make<float>({m}, w_scales),
          make<int8_t>({m}, std::vector<int8_t>(static_cast<size_t>(m), 0)),
          scalar(0.05f),
          make<uint8_t>({}, {100}),
          make<int32_t>({m}, bias),
          make<float>({m}, bias_scales)};
}

OpRunner q_conv(const ConvCase& c) {
  OpRunner runner("QConv");
  runner.domain("vigil").attr("pads", {c.pads[0], c.pads[1], c.pads[0], c.pads[1]}).attr("group", c.group);
  runner.attr("strides", {c.strides[0], c.strides[1]});
  if (std::string(c.activation) == "Relu") runner.attr("activation", std::string("Relu"));
  if (std::string(c.activation) == "Clip") {
    runner.attr("activation", std::string("Clip")).attr("activation_params", std::vector<float>{-1.0f, 2.0f});
  }
  return runner;
}

const ConvCase kConvCases[] = {
    {{1, 16, 10, 10}, {32, 16, 3, 3}, {1, 1}, {1, 1}, 1, false, "Relu"},
    {{2, 8, 9, 11}, {20, 8, 3, 3}, {1, 1}, {2, 2}, 1, false, ""},
    {{1, 24, 7, 7}, {40, 24, 1, 1}, {0, 0}, {1, 1}, 1, true, "Clip"},
    {{1, 3, 23, 23}, {16, 3, 7, 7}, {3, 3}, {2, 2}, 1, false, "Relu"},
    {{1, 12, 6, 6}, {18, 6, 3, 3}, {0, 0}, {1, 1}, 2, true, ""},
    {{1, 5, 1, 1}, {3, 5, 1, 1}, {0, 0}, {1, 1}, 1, false, ""},
    {{1, 16, 14, 14}, {24, 16, 1, 1}, {0, 0}, {2, 2}, 1, true, ""},     // a stride-2 1x1 (ResNet's downsample)
    {{1, 8, 10, 10}, {16, 8, 3, 3}, {0, 0}, {3, 3}, 1, false, "Relu"},  // stride 3: the patch gather
    {{1, 5, 9, 8}, {7, 5, 3, 3}, {1, 1}, {2, 2}, 1, true, ""},          // int8, a channel quad part padding, stride 2
    // Depthwise: the direct kernel, stride 1 and 2, rows longer than a vector, 5x5.
    {{1, 12, 9, 9}, {12, 1, 3, 3}, {1, 1}, {1, 1}, 12, false, "Relu"},
    {{1, 16, 13, 14}, {16, 1, 3, 3}, {1, 1}, {2, 2}, 16, true, "Clip"},
    {{2, 8, 20, 37}, {8, 1, 3, 3}, {1, 1}, {1, 1}, 8, false, ""},
    {{1, 6, 17, 19}, {6, 1, 5, 5}, {2, 2}, {2, 2}, 6, false, "Relu"},
    {{1, 4, 11, 11}, {4, 1, 3, 3}, {1, 1}, {3, 3}, 4, false, ""},  // stride 3: the GEMM per group
};

TEST(QConv, FastPathBitExactWithTheReferenceOnEveryPath) {
  for (const ConvCase& c : kConvCases) {
    const std::vector<Tensor> inputs = conv_inputs(c);
    const Tensor reference = q_conv(c).run1(inputs);
    for (Isa isa : available_paths()) {
      set_active_isa(isa);
      for (int threads : {1, 2}) {
        OpRunner fast = q_conv(c);
        for (size_t i = 1; i < inputs.size(); ++i) fast.constant(i);
        const Tensor y = fast.threads(threads).run1(inputs);
        ASSERT_EQ(y.shape(), reference.shape());
        ASSERT_EQ(y.dtype(), DType::UInt8);
        const std::vector<double> a = y.to_double_vector(), b = reference.to_double_vector();
        int64_t mismatches = 0;
        for (size_t i = 0; i < a.size(); ++i) mismatches += a[i] != b[i];
        EXPECT_EQ(mismatches, 0) << isa_name(isa) << " threads " << threads << " x " << shape_to_string(c.x) << " w "
                                 << shape_to_string(c.w);
      }
    }
    set_active_isa(detected_isa());
  }
}

// The direct depthwise kernel checks every plane under either scheme (its sums added up in
// registers), and a checked run computes what an unchecked one does.
TEST(QConv, DepthwisePlanesAreCheckedUnderEveryScheme) {
  int depthwise = 0;
  for (const ConvCase& c : kConvCases) {
    if (c.group != c.x[1] || c.strides[0] > 2) continue;
    ++depthwise;
    const std::vector<Tensor> inputs = conv_inputs(c);
    OpRunner plain = q_conv(c);
    for (size_t i = 1; i < inputs.size(); ++i) plain.constant(i);
    const Tensor unchecked = plain.run1(inputs);
    for (const kernels::GemmCheckScheme scheme :
         {kernels::GemmCheckScheme::Fused, kernels::GemmCheckScheme::Separate}) {
      kernels::GemmCheckSink sink(scheme, false);
      kernels::GemmThreadContext context;
      context.check = &sink;
      const kernels::GemmThreadScope scope(context);
      OpRunner fast = q_conv(c);
      for (size_t i = 1; i < inputs.size(); ++i) fast.constant(i);
      const Tensor y = fast.threads(2).run1(inputs);
      const kernels::GemmCheckTally tally = sink.take();
      EXPECT_EQ(tally.products, 1);
      EXPECT_EQ(tally.lines, c.x[0] * c.x[1]);  // one per plane
      EXPECT_EQ(tally.failures, 0) << tally.first_failure;
      EXPECT_EQ(y.to_double_vector(), unchecked.to_double_vector());
    }
  }
  EXPECT_EQ(depthwise, 4);
}

TEST(QConv, ReferenceIsTheFixedPointFormulaAndOneStepFromOnnx) {
  const ConvCase c = kConvCases[0];
  std::vector<Tensor> inputs = conv_inputs(c);
  const Tensor y = q_conv({c.x, c.w, c.pads, c.strides, c.group, c.signed_input, ""}).run1(inputs);
  // ONNX's QLinearConv on the same inputs: the same sums, requantized in float.
  std::vector<Tensor> onnx_inputs(inputs.begin(), inputs.begin() + 9);
  const Tensor onnx = OpRunner("QLinearConv").attr("pads", {1, 1, 1, 1}).run1(onnx_inputs);
  const std::vector<double> a = y.to_double_vector(), b = onnx.to_double_vector();
  int64_t differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_LE(std::abs(a[i] - b[i]), 1.0) << i;
    differ += a[i] != b[i];
  }
  EXPECT_LT(differ, static_cast<int64_t>(a.size()) / 100);  // ties and float rounding only
  // One output by hand: channel 0 at (0, 0), the window's top-left outside the image.
  const std::vector<double> x = inputs[0].to_double_vector(), w = inputs[3].to_double_vector();
  int32_t sum = inputs[8].data<int32_t>()[0];
  for (int64_t ch = 0; ch < 16; ++ch) {
    for (int64_t ky = 1; ky < 3; ++ky) {
      for (int64_t kx = 1; kx < 3; ++kx) {
        sum += static_cast<int32_t>((x[ch * 100 + (ky - 1) * 10 + kx - 1] - 131) * w[ch * 9 + ky * 3 + kx]);
      }
    }
  }
  const kernels::FixedPointMultiplier m = kernels::fixed_point_multiplier(0.02f * 0.003f / 0.05f);
  EXPECT_EQ(a[0], kernels::requantize(sum, m, 100, 0, 255));
}

TEST(QConv, ActivationsClampTheQuantizedOutput) {
  ConvCase c = kConvCases[0];
  const std::vector<Tensor> inputs = conv_inputs(c);
  const std::vector<double> none = q_conv({c.x, c.w, c.pads, c.strides, 1, false, ""}).run1(inputs).to_double_vector();
  const std::vector<double> relu = q_conv(c).run1(inputs).to_double_vector();
  const std::vector<double> clip =
      q_conv({c.x, c.w, c.pads, c.strides, 1, false, "Clip"}).run1(inputs).to_double_vector();
  // y_scale 0.05, zero point 100: Relu clamps at 100; Clip(-1, 2) at 80 and 140.
  for (size_t i = 0; i < none.size(); ++i) {
    EXPECT_EQ(relu[i], std::max(none[i], 100.0));
    EXPECT_EQ(clip[i], std::clamp(none[i], 80.0, 140.0));
  }
}

// QGemm inputs: a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp, bias, bias_scale.
std::vector<Tensor> gemm_inputs(int64_t rows, int64_t k, int64_t n, bool transposed, bool quantized) {
  const std::vector<float> b_scales = channel_scales(n, 0.004f);
  std::vector<float> bias_values;
  for (int64_t c = 0; c < n; ++c) bias_values.push_back(0.1f * static_cast<float>(c % 7) - 0.3f);
  return {random_bytes<uint8_t>({rows, k}, 3),
          scalar(0.03f),
          make<uint8_t>({}, {120}),
          random_bytes<int8_t>(transposed ? Shape{n, k} : Shape{k, n}, 4),
          make<float>({n}, b_scales),
          make<int8_t>({n}, std::vector<int8_t>(static_cast<size_t>(n), 0)),
          quantized ? scalar(0.07f) : Tensor(),
          quantized ? make<uint8_t>({}, {90}) : Tensor(),
          make<float>({n}, bias_values),
          Tensor()};
}

TEST(QGemm, FastPathBitExactWithTheReference) {
  for (int64_t rows : {1, 5}) {
    for (bool transposed : {false, true}) {
      for (bool quantized : {true, false}) {
        const std::vector<Tensor> inputs = gemm_inputs(rows, 70, 37, transposed, quantized);
        OpRunner reference("QGemm");
        reference.domain("vigil").attr("transB", transposed ? 1 : 0);
        const Tensor expected = reference.run1(inputs);
        for (Isa isa : available_paths()) {
          set_active_isa(isa);
          OpRunner fast("QGemm");
          fast.domain("vigil").attr("transB", transposed ? 1 : 0);
          for (size_t i = 1; i < inputs.size(); ++i) fast.constant(i);
          const Tensor y = fast.run1(inputs);
          ASSERT_EQ(y.shape(), (Shape{rows, 37}));
          EXPECT_EQ(y.to_double_vector(), expected.to_double_vector())
              << isa_name(isa) << " rows " << rows << " transB " << transposed << " quantized " << quantized;
        }
        set_active_isa(detected_isa());
      }
    }
  }
}

TEST(QGemm, FloatOutputIsTheDequantizedSumPlusBias) {
  // a = [[3 5]] - 1, b = [[1 2] [3 4]]: sums [14 20]; x 0.5 x [1 0.25] = [7 2.5]; + [1 -1].
  const Tensor y = OpRunner("QGemm").domain("vigil").run1(
      {make<uint8_t>({1, 2}, {3, 5}), scalar(0.5f), make<uint8_t>({}, {1}), make<int8_t>({2, 2}, {1, 2, 3, 4}),
       make<float>({2}, {1.0f, 0.25f}), Tensor(), Tensor(), Tensor(), make<float>({2}, {1.0f, -1.0f})});
  expect_tensor<float>(y, {1, 2}, {8.0f, 1.5f});
}

TEST(QAdd, FixedPointSumWithClampAndTies) {
  // a: 0.5 x ([10 20 30] - 10) = [0 5 10]; b: 0.25 x ([0 2 4] - 0) = [0 0.5 1];
  // sum [0 5.5 11] / y_scale 1 = [0 5.5 11]; 5.5 rounds to 6; + 3; Relu clamps at 3.
  OpRunner add("QAdd");
  add.domain("vigil").attr("activation", std::string("Relu"));
  const std::vector<Tensor> inputs = {make<uint8_t>({3}, {10, 20, 30}),
                                      scalar(0.5f),
                                      make<uint8_t>({}, {10}),
                                      make<uint8_t>({3}, {0, 2, 4}),
                                      scalar(0.25f),
                                      make<uint8_t>({}, {0}),
                                      scalar(1.0f),
                                      make<uint8_t>({}, {3})};
  expect_tensor<uint8_t>(add.run1(inputs), {3}, {3, 9, 14});
  OpRunner constant_add("QAdd");
  constant_add.domain("vigil");
  for (size_t i : {1, 2, 4, 5, 6, 7}) constant_add.constant(i);
  std::vector<Tensor> negative = inputs;
  negative[0] = make<uint8_t>({3}, {0, 9, 255});  // -5, -0.5, 122.5
  // [-5 -0.5 122.5] + [0 0.5 1] = [-5 0 123.5] -> round [-5 0 124] + 3 = [0 (clamped) 3 127].
  expect_tensor<uint8_t>(constant_add.run1(negative), {3}, {0, 3, 127});
}

}  // namespace
}  // namespace vigil::testing

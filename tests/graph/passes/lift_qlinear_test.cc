// SPDX-License-Identifier: Apache-2.0
// QOperator models -> vigil's integer operators (graph/passes/lift_qlinear.cc): QLinearConv
// becomes vigil.QConv and QLinearMatMul vigil.QGemm, their outputs bit for bit those of
// the ONNX operators on random inputs (uint8 and int8 activations, per-channel weights, an
// int32 bias, a stride and padding); the lifted layers run on planned int8 kernels; and a
// layer whose sums could reach 2^29, where the two roundings may part, stays as it is.
#include <set>

#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/step_costs.h"

namespace vigil::testing {

namespace {

Tensor scalar_of(DType type, double value) {
  Tensor t(type, {});
  if (type == DType::Float32) t.data<float>()[0] = static_cast<float>(value);
  if (type == DType::UInt8) t.data<uint8_t>()[0] = static_cast<uint8_t>(value);
  if (type == DType::Int8) t.data<int8_t>()[0] = static_cast<int8_t>(value);
  return t;
}

Tensor int8_weights(const Shape& shape, int seed, int limit = 127) {
  Tensor w(DType::Int8, shape);
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> value(-limit, limit);
  for (int64_t i = 0; i < w.numel(); ++i) w.data<int8_t>()[i] = static_cast<int8_t>(value(generator));
  return w;
}

Tensor per_channel_scales(int64_t channels, float base) {
  Tensor s(DType::Float32, {channels});
  for (int64_t c = 0; c < channels; ++c) s.data<float>()[c] = base * (1.0f + 0.3f * static_cast<float>(c % 7));
  return s;
}

// x (float) -> QuantizeLinear -> QLinearConv 3x3 (16 -> 24, stride 2, pad 1, bias) = h1
// -> QLinearConv 1x1 (24 -> 8) -> Flatten -> QLinearMatMul (8*7*7 -> 10) -> DequantizeLinear
// = y; h1 and y are outputs. Scales keep most values inside the 8-bit grids.
std::shared_ptr<Model> qoperator_model(DType activations, int conv_channels = 16, int weight_limit = 127) {
  const DType a = activations;
  const double zero = a == DType::UInt8 ? 128 : 3;
  ModelBuilder builder;
  builder.input("x", {1, conv_channels, 14, 14}).output("y", {1, 10}).output("h1", {1, 24, 7, 7});
  builder.constant("xs", scalar_of(DType::Float32, 0.02)).constant("xz", scalar_of(a, zero));
  builder.constant("w1", int8_weights({24, conv_channels, 3, 3}, 1, weight_limit))
      .constant("w1s", per_channel_scales(24, 0.004f))
      .constant("w1z", Tensor(DType::Int8, {24}));
  Tensor bias(DType::Int32, {24});
  for (int64_t c = 0; c < 24; ++c) bias.data<int32_t>()[c] = static_cast<int32_t>(c * 911 % 5000) - 2500;
  builder.constant("b1", bias);
  builder.constant("h1s", scalar_of(DType::Float32, 0.5)).constant("h1z", scalar_of(a, zero - 5));
  builder.constant("w2", int8_weights({8, 24, 1, 1}, 2)).constant("w2s", per_channel_scales(8, 0.01f));
  builder.constant("h2s", scalar_of(DType::Float32, 1.0)).constant("h2z", scalar_of(a, zero + 2));
  builder.constant("w3", int8_weights({8 * 7 * 7, 10}, 3)).constant("w3s", per_channel_scales(10, 0.002f));
  builder.constant("w3z", Tensor(DType::Int8, {10}));
  builder.constant("ys", scalar_of(DType::Float32, 20.0)).constant("yz", scalar_of(a, zero));
  builder.node("QuantizeLinear", {"x", "xs", "xz"}, {"xq"});
  Node& conv1 = builder.node("QLinearConv", {"xq", "xs", "xz", "w1", "w1s", "w1z", "h1s", "h1z", "b1"}, {"h1"});
  conv1.attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  conv1.attributes.set("strides", ints_attribute({2, 2}));
  builder.node("QLinearConv", {"h1", "h1s", "h1z", "w2", "w2s", "", "h2s", "h2z"}, {"h2"});
  builder.node("Flatten", {"h2"}, {"f"});
  builder.node("QLinearMatMul", {"f", "h2s", "h2z", "w3", "w3s", "w3z", "ys", "yz"}, {"yq"});
  builder.node("DequantizeLinear", {"yq", "ys", "yz"}, {"y"});
  return builder.build();
}

}  // namespace

TEST(LiftQLinear, QLinearConvAndQLinearMatMulBecomeVigilsIntegerOperators) {
  Graph graph = qoperator_model(DType::UInt8)->graph;
  EXPECT_EQ(passes::lift_qlinear(graph), 3);
  EXPECT_EQ(op_types(graph),
            (std::vector<std::string>{"QuantizeLinear", "QConv", "QConv", "Flatten", "QGemm", "DequantizeLinear"}));
  EXPECT_EQ(graph.nodes[1].domain, "vigil");
  EXPECT_EQ(graph.nodes[1].inputs.size(), 10u);
  EXPECT_EQ(graph.nodes[1].inputs[9], "");  // the int32 bias is already on the sum's grid
}

TEST(LiftQLinear, OutputsBitForBitThoseOfTheOnnxOperators) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  for (const DType activations : {DType::UInt8, DType::Int8}) {
    for (int seed = 0; seed < 3; ++seed) {
      const Tensor x = ModelBuilder::random_tensor({1, 16, 14, 14}, -3.0f, 3.0f, 100 + seed);
      EXPECT_EQ(optimized_max_difference(qoperator_model(activations), {{"x", x}}), 0.0) << dtype_name(activations);
      // Not saturated: the comparison sees values spread over the grids.
      const std::vector<Tensor> outputs = Session(qoperator_model(activations)).run({{"x", x}});
      const std::vector<double> y = outputs[0].to_double_vector(), h1 = outputs[1].to_double_vector();
      EXPECT_GE(std::set<double>(y.begin(), y.end()).size(), 5u) << ::testing::PrintToString(y);
      EXPECT_GE(std::set<double>(h1.begin(), h1.end()).size(), 40u);
    }
  }
}

TEST(LiftQLinear, TheLiftedLayersRunOnPlannedKernels) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  for (const DType activations : {DType::UInt8, DType::Int8}) {
    Session session(qoperator_model(activations), SessionOptions{1, true});
    const Tensor x = ModelBuilder::random_tensor({1, 16, 14, 14}, -3.0f, 3.0f, 7);
    const std::vector<StepCost> costs = measure_step_costs(session, {{"x", x}});
    int planned = 0;
    for (const StepCost& cost : costs) {
      if (cost.cost.macs > 0) {
        EXPECT_FALSE(cost.algorithm.empty()) << cost.name << " (" << cost.op_type << ") runs on a reference kernel";
        ++planned;
      }
    }
    EXPECT_EQ(planned, 3);
    EXPECT_EQ(reference_kernel_warnings(costs), std::vector<std::string>{});
  }
}

TEST(LiftQLinear, ALayerWhoseSumsCouldReach2To29StaysAsItIs) {
  // Input channels x 9 taps x about 64 (the mean |w|) x 128 (the largest |x - 128|): 4,096
  // channels bound the sums by about 3e8, below 2^29; 8,192 channels by about 6e8.
  Graph fits = qoperator_model(DType::UInt8, 4096)->graph;
  EXPECT_EQ(passes::lift_qlinear(fits), 3);
  Graph too_wide = qoperator_model(DType::UInt8, 8192)->graph;
  EXPECT_EQ(passes::lift_qlinear(too_wide), 2);
  EXPECT_EQ(too_wide.nodes[1].op_type, "QLinearConv");
}

}  // namespace vigil::testing

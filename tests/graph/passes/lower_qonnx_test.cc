// SPDX-License-Identifier: Apache-2.0
// QONNX Quant -> ONNX quantization: a 4-bit activation quantizer becomes Clip ->
// QuantizeLinear -> DequantizeLinear, 8-bit narrow per-channel weights become an int8
// initializer behind a DequantizeLinear, other rounding modes stay QONNX; the lowered
// model (which then runs on the integer operators) agrees with the QONNX reference within
// one quantization step of its output.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"

namespace vigil::testing {

namespace {

Node& quant(ModelBuilder& builder, const std::string& x, const std::string& prefix, const std::string& y,
            bool is_signed, bool narrow) {
  Node& node = builder.node("Quant", {x, prefix + "_s", prefix + "_z", prefix + "_b"}, {y}, "qonnx.custom_op.general");
  node.attributes.set("signed", int_attribute(is_signed ? 1 : 0));
  node.attributes.set("narrow", int_attribute(narrow ? 1 : 0));
  return node;
}

// x -> Quant(4-bit unsigned) -> Conv(Quant(8-bit narrow per-channel W)) -> Relu -> Quant(8-bit unsigned).
std::shared_ptr<Model> qonnx_conv() {
  ModelBuilder builder;
  builder.model().opsets["qonnx.custom_op.general"] = 1;
  builder.input("x", {1, 2, 5, 5}).output("y", {1, 3, 5, 5});
  builder.constant("a_s", Tensor::scalar<float>(0.1f)).constant("a_z", Tensor::scalar<float>(0.0f));
  builder.constant("a_b", Tensor::scalar<float>(4.0f));
  Tensor w_scale(DType::Float32, {3, 1, 1, 1});
  for (int c = 0; c < 3; ++c) w_scale.data<float>()[c] = 0.01f * static_cast<float>(c + 1);
  builder.random_constant("W", {3, 2, 3, 3})
      .constant("w_s", w_scale)
      .constant("w_z", Tensor(DType::Float32, {3, 1, 1, 1}));
  builder.constant("w_b", Tensor::scalar<float>(8.0f));
  builder.constant("y_s", Tensor::scalar<float>(0.02f)).constant("y_z", Tensor::scalar<float>(0.0f));
  builder.constant("y_b", Tensor::scalar<float>(8.0f));
  quant(builder, "x", "a", "xq", false, false);
  quant(builder, "W", "w", "wq", true, true);
  builder.node("Conv", {"xq", "wq"}, {"c"}).attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  builder.node("Relu", {"c"}, {"r"});
  quant(builder, "r", "y", "y", false, false);
  return builder.build();
}

}  // namespace

TEST(LowerQonnx, QuantBecomesOnnxQuantization) {
  Graph graph = qonnx_conv()->graph;
  EXPECT_EQ(passes::lower_qonnx(graph), 3);
  EXPECT_EQ(op_types(graph), (std::vector<std::string>{"Clip", "QuantizeLinear", "DequantizeLinear", "DequantizeLinear",
                                                       "Conv", "Relu", "QuantizeLinear", "DequantizeLinear"}));
  // The 4-bit range [0, 15] at scale 0.1: Clip(x, 0, 1.5).
  EXPECT_FLOAT_EQ(graph.initializers.at(graph.nodes[0].inputs[2]).data<float>()[0], 1.5f);
  // The weights: an int8 initializer within the narrow range, per channel (axis 0).
  const Node& weights = graph.nodes[3];
  const Tensor& w = graph.initializers.at(weights.inputs[0]);
  EXPECT_EQ(w.dtype(), DType::Int8);
  for (int64_t i = 0; i < w.numel(); ++i) EXPECT_GE(w.data<int8_t>()[i], -127);
  EXPECT_EQ(weights.attributes.get_int("axis", 1), 0);
  EXPECT_EQ(graph.initializers.at(weights.inputs[1]).shape(), (Shape{3}));

  // Another rounding mode stays QONNX.
  Graph floor_graph = qonnx_conv()->graph;
  for (Node& node : floor_graph.nodes) node.attributes.set("rounding_mode", passes::string_attribute("FLOOR"));
  EXPECT_EQ(passes::lower_qonnx(floor_graph), 0);
}

TEST(LowerQonnx, IntegerGraphAgreesWithTheQonnxReference) {
  Tensor x(DType::Float32, {1, 2, 5, 5});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 13) % 23) / 10.0f - 0.4f;
  const auto model = qonnx_conv();
  EXPECT_LE(optimized_max_difference(model, {{"x", x}}), 0.02 + 1e-6);  // one step of y
  Session optimized(model, SessionOptions{1, true});
  EXPECT_EQ(op_types(optimized.graph()),
            (std::vector<std::string>{"Clip", "QuantizeLinear", "QConv", "DequantizeLinear"}));
}

TEST(LowerQonnx, BinaryWeightsAndActivations) {
  // A BipolarQuant on weights becomes int8 signs behind a per-channel DequantizeLinear; an
  // unsigned 1-bit Quant on activations becomes Clip [0, scale] -> QuantizeLinear; a
  // signed 1-bit Quant (bipolar in QONNX's reference) stays QONNX.
  ModelBuilder builder;
  builder.model().opsets["qonnx.custom_op.general"] = 1;
  builder.input("x", {1, 2, 4, 4}).output("y", {1, 3, 4, 4});
  Tensor w(DType::Float32, {3, 2, 1, 1});
  for (int64_t i = 0; i < w.numel(); ++i) w.data<float>()[i] = static_cast<float>(i % 3) - 1.0f;  // -1, 0, 1, ...
  Tensor w_scale(DType::Float32, {3, 1, 1, 1});
  for (int c = 0; c < 3; ++c) w_scale.data<float>()[c] = 0.5f;
  builder.constant("W", w).constant("w_s", w_scale);
  builder.constant("a_s", Tensor::scalar<float>(0.25f)).constant("a_z", Tensor::scalar<float>(0.0f));
  builder.constant("a_b", Tensor::scalar<float>(1.0f));
  builder.node("BipolarQuant", {"W", "w_s"}, {"wq"}, "qonnx.custom_op.general");
  quant(builder, "x", "a", "xq", false, false);
  builder.node("Conv", {"xq", "wq"}, {"c"});
  quant(builder, "c", "a", "y", true, false);
  Graph graph = builder.build()->graph;
  EXPECT_EQ(passes::lower_qonnx(graph), 2);
  EXPECT_EQ(op_types(graph), (std::vector<std::string>{"DequantizeLinear", "Clip", "QuantizeLinear", "DequantizeLinear",
                                                       "Conv", "Quant"}));
  const Tensor& signs = graph.initializers.at(graph.nodes[0].inputs[0]);
  ASSERT_EQ(signs.dtype(), DType::Int8);
  for (int64_t i = 0; i < signs.numel(); ++i) EXPECT_EQ(signs.data<int8_t>()[i], i % 3 == 0 ? -1 : 1);  // sign(0) = +1
  EXPECT_EQ(graph.nodes[0].attributes.get_int("axis", 1), 0);
  EXPECT_FLOAT_EQ(graph.initializers.at(graph.nodes[1].inputs[2]).data<float>()[0], 0.25f);
}

}  // namespace vigil::testing

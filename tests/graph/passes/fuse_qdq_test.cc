// SPDX-License-Identifier: Apache-2.0
// QDQ groups -> integer operators: a small ResNet-style QDQ graph as ONNX Runtime's
// quantizer writes it (Q at the input, DQ before every consumer, int8 per-channel weights
// and int32 biases behind DQ, Relu before Q, MaxPool/Flatten between same-parameter DQ
// and Q, a float Gemm output) becomes QConv, MaxPool on bytes, QAdd, QLinearGlobalAveragePool,
// Flatten on bytes and QGemm, with no DequantizeLinear left; run with and without the
// pass it agrees within the quantization step; groups that do not match stay float.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "graph/passes/qdq_test_model.h"

namespace vigil::testing {

TEST(FuseQdq, ResNetBlockBecomesIntegerOperators) {
  Graph graph = qdq_block()->graph;
  EXPECT_GT(passes::fuse_qdq(graph), 0);
  EXPECT_EQ(op_types(graph), (std::vector<std::string>{"QuantizeLinear", "QConv", "MaxPool", "QConv", "QAdd",
                                                       "QLinearGlobalAveragePool", "Flatten", "QGemm"}));
  const Node& conv1 = graph.nodes[1];
  EXPECT_EQ(conv1.domain, "vigil");
  EXPECT_EQ(conv1.inputs, (std::vector<std::string>{"x_q", "x_s", "x_z", "conv1_w", "conv1_ws", "conv1_wz", "a_s",
                                                    "a_z", "conv1_b", "conv1_bs"}));
  EXPECT_EQ(conv1.attributes.get_string("activation", ""), "Relu");
  EXPECT_EQ(conv1.attributes.get_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(graph.nodes[2].inputs[0], "r1_q");  // MaxPool reads the bytes
  EXPECT_EQ(graph.nodes[4].inputs, (std::vector<std::string>{"c2_q", "c_s", "c_z", "p_q", "a_s", "a_z", "s_s", "s_z"}));
  EXPECT_EQ(graph.nodes[5].domain, "com.microsoft");
  const Node& gemm = graph.nodes[7];
  EXPECT_EQ(gemm.inputs[6], "");  // no Q after it: a float output
  EXPECT_EQ(gemm.outputs[0], "out");
  EXPECT_EQ(gemm.attributes.get_int("transB", 0), 1);
}

TEST(FuseQdq, IntegerGraphAgreesWithTheFloatGroups) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  const auto model = qdq_block();
  Tensor x(DType::Float32, {1, 4, 8, 8});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 29) % 97) / 97.0f - 0.4f;
  // The float groups and the integer operators round differently at most by one step of
  // an intermediate; through the Gemm a step of its input (0.01) moves an output by at
  // most 0.01 x max|w| x 8 inputs, about 0.0026 x 127 x 0.08.
  const double difference = optimized_max_difference(model, {{"x", x}}, -1);
  EXPECT_LT(difference, 0.03);
  Session optimized(model, SessionOptions{1, true});
  // The session's passes also fuse the Add into the convolution before it
  // (fuse_q_conv_residual_test.cc).
  EXPECT_EQ(op_types(optimized.graph()), (std::vector<std::string>{"QuantizeLinear", "QConv", "MaxPool", "QConv",
                                                                   "QLinearGlobalAveragePool", "Flatten", "QGemm"}));
}

TEST(FuseQdq, PerTensorWeightsWhateverTheAxis) {
  // A per-tensor weight DequantizeLinear without an axis attribute (default 1), as
  // quantizers write it: the Conv still fuses.
  auto model = qdq_block();
  Graph graph = model->graph;
  for (Node& node : graph.nodes) {
    if (node.op_type == "DequantizeLinear" && node.inputs[0] == "conv1_w") {
      graph.initializers["conv1_ws"] = Tensor::scalar<float>(0.002f);
      node.attributes = Attributes{};
    }
  }
  passes::fuse_qdq(graph);
  EXPECT_EQ(count_ops(graph, "QConv"), 2);
}

TEST(FuseQdq, GroupsThatDoNotMatchStayFloat) {
  // A Q whose parameters differ from its DQ around MaxPool: the pool moves onto the bytes,
  // and their requantization stays a DQ -> Q pair.
  ModelBuilder builder;
  QdqBuilder q(builder);
  builder.input("x", {1, 2, 4, 4}).output("y_d", {1, 2, 2, 2});
  q.parameters("x", 0.01f, 128);
  q.parameters("y", 0.02f, 128);
  q.quantize("x", "x");
  Node& pool = builder.node("MaxPool", {"x_d"}, {"y"});
  pool.attributes.set("kernel_shape", ints_attribute({2, 2}));
  pool.attributes.set("strides", ints_attribute({2, 2}));
  q.quantize("y", "y");
  Graph graph = builder.build()->graph;
  EXPECT_EQ(passes::fuse_qdq(graph), 2);  // the move, and the removal of the DQ it leaves unread
  EXPECT_EQ(op_types(graph), (std::vector<std::string>{"QuantizeLinear", "MaxPool", "DequantizeLinear",
                                                       "QuantizeLinear", "DequantizeLinear"}));
  EXPECT_EQ(graph.nodes[1].inputs[0], "x_q");

  // An Add whose result is not quantized (a float graph output) stays an Add.
  ModelBuilder add;
  QdqBuilder qa(add);
  add.input("x", {1, 4}).output("sum", {1, 4});
  add.shape("x_d", {1, 4});
  qa.parameters("x", 0.01f, 128);
  qa.quantize("x", "x");
  add.node("Add", {"x_d", "x_d"}, {"sum"});
  Graph add_graph = add.build()->graph;
  EXPECT_EQ(passes::fuse_qdq(add_graph), 0);
  EXPECT_EQ(count_ops(add_graph, "Add"), 1);
}

TEST(FuseQdq, QonnxStyleChainsBecomeIntegerOperators) {
  // As lower_qonnx writes a 2-bit QONNX CNN: Conv -> Relu -> Clip(0, 3 steps) -> Q, and a
  // MaxPool between the DQ and the next Conv with no Q after it.
  ModelBuilder builder;
  QdqBuilder q(builder);
  builder.input("x", {1, 4, 8, 8}).output("y_d", {1, 4, 4, 4});
  q.parameters("x", 0.25f, 0);
  q.parameters("a", 0.25f, 0);
  q.parameters("y", 0.25f, 0);
  q.quantize("x", "x");
  q.weights("conv1", {4, 4, 3, 3}, 0.25f);
  q.weights("conv2", {4, 4, 3, 3}, 0.25f);
  auto conv = [&](const std::string& name, const std::string& input) {
    Node& node = builder.node("Conv", {input, name + "_wd", name + "_bd"}, {name});
    node.attributes.set("kernel_shape", ints_attribute({3, 3}));
    node.attributes.set("pads", ints_attribute({1, 1, 1, 1}));
  };
  conv("conv1", "x_d");
  builder.node("Relu", {"conv1"}, {"r"});
  builder.constant("low", Tensor::scalar<float>(0.0f)).constant("high", Tensor::scalar<float>(0.75f));
  builder.node("Clip", {"r", "low", "high"}, {"a"});
  q.quantize("a", "a");
  Node& pool = builder.node("MaxPool", {"a_d"}, {"p"});
  pool.attributes.set("kernel_shape", ints_attribute({2, 2}));
  pool.attributes.set("strides", ints_attribute({2, 2}));
  conv("conv2", "p");
  q.quantize("conv2", "y");
  builder.node("Identity", {"conv2_q"}, {"y_q"});
  q.dequantize("y_q", "y", "y_d");
  Graph graph = builder.build()->graph;
  passes::fuse_qdq(graph);
  EXPECT_EQ(op_types(graph),
            (std::vector<std::string>{"QuantizeLinear", "QConv", "MaxPool", "QConv", "Identity", "DequantizeLinear"}));
  const Node& conv1 = graph.nodes[1];
  EXPECT_EQ(conv1.attributes.get_string("activation", ""), "Clip");
  EXPECT_EQ(conv1.attributes.get_floats("activation_params"), (std::vector<float>{0.0f, 0.75f}));
  EXPECT_EQ(graph.nodes[2].inputs[0], "a_q");
  EXPECT_EQ(graph.nodes[3].inputs[0], graph.nodes[2].outputs[0]);
}

TEST(FuseQdq, MaxPoolStaysAfterTheDequantizeOfInt32) {
  // MaxPool takes no int32: a DQ of int32 sums keeps its place before the pool.
  ModelBuilder builder;
  builder.output("y", {1, 1, 1, 1});
  Tensor sums(DType::Int32, {1, 1, 2, 2});
  for (int64_t i = 0; i < 4; ++i) sums.data<int32_t>()[i] = static_cast<int32_t>(i * 1000);
  builder.constant("sums", sums).constant("s", Tensor::scalar<float>(0.5f));
  builder.node("DequantizeLinear", {"sums", "s"}, {"d"});
  builder.node("MaxPool", {"d"}, {"y"}).attributes.set("kernel_shape", ints_attribute({2, 2}));
  Graph graph = builder.build()->graph;
  EXPECT_EQ(passes::fuse_qdq(graph), 0);
  EXPECT_EQ(op_types(graph), (std::vector<std::string>{"DequantizeLinear", "MaxPool"}));
}

TEST(FuseQdq, ClampsThatDoNotOverlapStayApart) {
  ModelBuilder builder;
  QdqBuilder q(builder);
  builder.input("x", {1, 4, 4, 4}).output("y_d", {1, 4, 4, 4});
  q.parameters("x", 0.25f, 0);
  q.quantize("x", "x");
  q.weights("conv", {4, 4, 1, 1}, 0.25f);
  builder.node("Conv", {"x_d", "conv_wd", "conv_bd"}, {"c"}).attributes.set("kernel_shape", ints_attribute({1, 1}));
  builder.constant("low", Tensor::scalar<float>(-2.0f)).constant("high", Tensor::scalar<float>(-1.0f));
  builder.node("Relu", {"c"}, {"r"});
  builder.node("Clip", {"r", "low", "high"}, {"y"});
  q.parameters("y", 0.25f, 0);
  q.quantize("y", "y");
  Graph graph = builder.build()->graph;
  passes::fuse_qdq(graph);
  EXPECT_EQ(count_ops(graph, "QConv"), 0);
  EXPECT_EQ(count_ops(graph, "Conv"), 1);
}

}  // namespace vigil::testing

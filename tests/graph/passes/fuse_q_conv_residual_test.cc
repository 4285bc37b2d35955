// SPDX-License-Identifier: Apache-2.0
// vigil.QConv -> vigil.QAdd -> one vigil.QConv with a residual: on the QDQ ResNet block the
// second convolution takes the skip tensor, the Add's output grid and its Relu, whichever
// side of the Add it was on; the fused graph computes exactly (bit for bit, on one and two
// threads) what the unfused integer graph computes; a convolution output read twice, or
// read by the Add on another grid, is left alone.
#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "graph/passes/qdq_test_model.h"

namespace vigil::testing {

namespace {

// The block after fuse_qdq, and after fuse_qdq then fuse_q_conv_residual.
Graph integer_graph(const std::shared_ptr<Model>& model) {
  Graph graph = model->graph;
  passes::fuse_qdq(graph);
  return graph;
}

std::vector<Tensor> run_unoptimized(const std::shared_ptr<Model>& model, const Graph& graph, int threads) {
  auto copy = std::make_shared<Model>(*model);
  copy->graph = graph;
  Tensor x(DType::Float32, {1, 4, 8, 8});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 29) % 97) / 97.0f - 0.4f;
  Session session(copy, SessionOptions{threads, false});
  return session.run({{"x", x}});
}

}  // namespace

TEST(FuseQConvResidual, TheAddJoinsTheConvolutionWhicheverSide) {
  for (const bool skip_first : {false, true}) {
    Graph graph = integer_graph(qdq_block(skip_first));
    EXPECT_EQ(passes::fuse_q_conv_residual(graph), 1);
    EXPECT_EQ(op_types(graph), (std::vector<std::string>{"QuantizeLinear", "QConv", "MaxPool", "QConv",
                                                         "QLinearGlobalAveragePool", "Flatten", "QGemm"}));
    const Node& conv = graph.nodes[3];
    EXPECT_EQ(conv.inputs, (std::vector<std::string>{"p_q", "a_s", "a_z", "conv2_w", "conv2_ws", "conv2_wz", "c_s",
                                                     "c_z", "conv2_b", "conv2_bs", "p_q", "a_s", "a_z", "s_s", "s_z"}));
    EXPECT_EQ(conv.outputs, (std::vector<std::string>{"r2_q"}));
    EXPECT_EQ(conv.attributes.get_string("sum_activation", ""), "Relu");
    EXPECT_EQ(conv.attributes.get_string("activation", ""), "");  // the convolution's own: none
  }
}

TEST(FuseQConvResidual, FusedGraphComputesExactlyWhatTheUnfusedOneDoes) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  for (const bool skip_first : {false, true}) {
    const auto model = qdq_block(skip_first);
    const Graph unfused = integer_graph(model);
    Graph fused = unfused;
    ASSERT_EQ(passes::fuse_q_conv_residual(fused), 1);
    for (const int threads : {1, 2}) {
      const std::vector<Tensor> expected = run_unoptimized(model, unfused, threads);
      const std::vector<Tensor> actual = run_unoptimized(model, fused, threads);
      ASSERT_EQ(expected.size(), 1u);
      ASSERT_EQ(actual.size(), 1u);
      EXPECT_EQ(actual[0].to_double_vector(), expected[0].to_double_vector()) << "threads " << threads;
    }
  }
}

TEST(FuseQConvResidual, OtherReadersOrAnotherGridKeepTheAdd) {
  // The convolution's output is also a graph output: it must survive.
  {
    const auto model = qdq_block();
    Graph graph = integer_graph(model);
    graph.outputs.push_back(ValueInfo{"c2_q", DType::UInt8, false, {}});
    EXPECT_EQ(passes::fuse_q_conv_residual(graph), 0);
  }
  // The Add reads the convolution's bytes with another scale than they were written with.
  {
    Graph graph = integer_graph(qdq_block());
    graph.initializers["c_s2"] = Tensor::scalar<float>(0.031f);
    for (Node& node : graph.nodes) {
      if (node.op_type == "QAdd") node.inputs[1] = "c_s2";
    }
    EXPECT_EQ(passes::fuse_q_conv_residual(graph), 0);
  }
}

}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Dynamically quantized convolutions (DynamicQuantizeLinear -> ConvInteger -> Cast -> Mul
// by x_scale x W_scale [-> Add of the bias reshaped onto the channel axis], as ONNX
// Runtime's dynamic quantizer writes a Conv) -> vigil.QConv with a float output: the node
// written, outputs equal to the unfused graph's to the last bit at 1 and 2 threads, a
// planned int8 kernel for each layer, and the forms it must leave alone.
#include <set>

#include "graph/passes/pass.h"
#include "graph/passes/pass_test_util.h"
#include "graph/passes/passes.h"
#include "kernels/gemm_check.h"
#include "runtime/reference_kernel_warning.h"
#include "runtime/step_costs.h"

namespace vigil::testing {

namespace {

struct ConvForm {
  int64_t channels = 8, filters = 6, kernel = 3, stride = 1, dilation = 1, pad = 1, group = 1;
  bool per_channel_scale = false;
  bool bias = true;
  bool weight_zero_point = true;  // an explicit int8 zero point
  int8_t zero_point_value = 0;    // its value
  bool channel_bias = true;       // B reshaped onto the channel axis, else one value per column
};

// x (2 x channels x 11 x 10) -> the dynamic quantizer's chain for one Conv.
std::shared_ptr<Model> dynamic_conv(const ConvForm& f) {
  ModelBuilder builder;
  auto extent = [&](int64_t size) { return (size + 2 * f.pad - f.dilation * (f.kernel - 1) - 1) / f.stride + 1; };
  builder.input("x", {2, f.channels, 11, 10}).output("y", {2, f.filters, extent(11), extent(10)});
  Tensor w(DType::Int8, {f.filters, f.channels / f.group, f.kernel, f.kernel});
  for (int64_t i = 0; i < w.numel(); ++i) w.data<int8_t>()[i] = static_cast<int8_t>((i * 53 + 7) % 255 - 127);
  builder.constant("W", w);
  if (f.weight_zero_point) {
    Tensor zero_point(DType::Int8, {});
    zero_point.data<int8_t>()[0] = f.zero_point_value;
    builder.constant("Wz", zero_point);
  }
  Tensor scale(DType::Float32, f.per_channel_scale ? Shape{f.filters, 1, 1} : Shape{});
  for (int64_t c = 0; c < scale.numel(); ++c) scale.data<float>()[c] = 0.0013f * static_cast<float>(c + 3);
  builder.constant("Ws", scale);
  builder.random_constant("B", f.channel_bias ? Shape{1, f.filters, 1, 1} : Shape{f.filters});
  builder.node("DynamicQuantizeLinear", {"x"}, {"xq", "xs", "xz"});
  std::vector<std::string> conv_inputs = {"xq", "W", "xz"};
  if (f.weight_zero_point) conv_inputs.push_back("Wz");
  Node& conv = builder.node("ConvInteger", conv_inputs, {"i"});
  conv.attributes.set("kernel_shape", ints_attribute({f.kernel, f.kernel}));
  conv.attributes.set("strides", ints_attribute({f.stride, f.stride}));
  conv.attributes.set("dilations", ints_attribute({f.dilation, f.dilation}));
  conv.attributes.set("pads", ints_attribute({f.pad, f.pad, f.pad, f.pad}));
  conv.attributes.set("group", int_attribute(f.group));
  builder.node("Cast", {"i"}, {"c"}).attributes.set("to", int_attribute(1));
  builder.node("Mul", {"xs", "Ws"}, {"s"});
  builder.node("Mul", {"c", "s"}, {f.bias ? "p" : "y"});
  if (f.bias) builder.node("Add", {"p", "B"}, {"y"});
  return builder.build();
}

Tensor input(int64_t channels) {
  Tensor x(DType::Float32, {2, channels, 11, 10});
  for (int64_t i = 0; i < x.numel(); ++i) x.data<float>()[i] = static_cast<float>((i * 37) % 101) / 40.0f - 1.1f;
  return x;
}

// The unfused graph (reference operators) against the fused one at `threads`: equal to
// the last bit, and far from constant (a quarter of the values distinct at least).
void expect_same_outputs(const ConvForm& form, int threads) {
  const std::shared_ptr<Model> model = dynamic_conv(form);
  const std::map<std::string, Tensor> feeds = {{"x", input(form.channels)}};
  Session plain(model, SessionOptions{1, false});
  Session fused(model, SessionOptions{threads, true});
  EXPECT_EQ(count_ops(fused.graph(), "QConv"), 1);
  const Tensor expected = plain.run(feeds)[0], actual = fused.run(feeds)[0];
  ASSERT_EQ(expected.shape(), actual.shape());
  const std::vector<double> e = expected.to_double_vector(), a = actual.to_double_vector();
  EXPECT_EQ(e, a) << "threads " << threads << ", stride " << form.stride << ", group " << form.group;
  EXPECT_GE(std::set<double>(e.begin(), e.end()).size(), e.size() / 4);
}

}  // namespace

TEST(FuseDynamicConv, TheChainBecomesOneFloatOutputQConv) {
  for (bool bias : {true, false}) {
    ConvForm form;
    form.bias = bias;
    Graph graph = dynamic_conv(form)->graph;
    EXPECT_EQ(passes::fuse_dynamic_conv(graph), 1);
    ASSERT_EQ(graph.nodes.size(), 2u);
    EXPECT_EQ(graph.nodes[0].op_type, "DynamicQuantizeLinear");
    const Node& conv = graph.nodes[1];
    EXPECT_EQ(conv.domain, "vigil");
    EXPECT_EQ(conv.op_type, "QConv");
    EXPECT_EQ(conv.inputs, (std::vector<std::string>{"xq", "xs", "xz", "W", "Ws", "Wz", "", "", bias ? "B" : ""}));
    EXPECT_EQ(conv.outputs, std::vector<std::string>{"y"});
    EXPECT_EQ(conv.attributes.get_ints("pads"), (std::vector<int64_t>{1, 1, 1, 1}));
  }
}

TEST(FuseDynamicConv, FormsTheFastPathCannotTakeStay) {
  ConvForm asymmetric;
  asymmetric.zero_point_value = 3;  // int8 weights centred elsewhere than 0
  Graph graph = dynamic_conv(asymmetric)->graph;
  EXPECT_EQ(passes::fuse_dynamic_conv(graph), 0);
  // A bias of one value per column (its shape puts it on the last axis, not the
  // channels'): the convolution fuses, the Add stays after it.
  ConvForm row_bias;
  row_bias.channel_bias = false;
  graph = dynamic_conv(row_bias)->graph;
  EXPECT_EQ(passes::fuse_dynamic_conv(graph), 1);
  EXPECT_EQ(count_ops(graph, "Add"), 1);
}

TEST(FuseDynamicConv, SameOutputsAsTheUnfusedGraph) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  std::vector<ConvForm> forms(9);
  forms[1].stride = 2;
  forms[1].per_channel_scale = true;
  forms[2].group = 2;
  forms[2].bias = false;
  forms[3].dilation = 2;
  forms[3].pad = 2;
  forms[3].weight_zero_point = false;
  forms[4].kernel = 1;
  forms[4].pad = 0;
  forms[5].channels = 70;  // a depth past several 64-byte groups, odd channels per quad
  forms[5].filters = 37;
  for (size_t d = 6; d < 9; ++d) {  // depthwise: the float32 kernels on exact sums
    forms[d].filters = forms[d].group = forms[d].channels;
  }
  forms[7].stride = 2;
  forms[7].per_channel_scale = true;
  forms[8].kernel = 5;
  forms[8].pad = 2;
  forms[8].bias = false;
  for (const ConvForm& form : forms) {
    for (int threads : {1, 2}) expect_same_outputs(form, threads);
  }
}

TEST(FuseDynamicConv, RunsOnAPlannedKernel) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  ConvForm depthwise;
  depthwise.filters = depthwise.group = depthwise.channels;
  for (const auto& [form, algorithm] : {std::pair{ConvForm{}, "implicit_gemm "}, std::pair{depthwise, "depthwise "}}) {
    Session session(dynamic_conv(form), SessionOptions{1, true});
    const std::vector<StepCost> costs = measure_step_costs(session, {{"x", input(8)}});
    int products = 0;
    for (const StepCost& cost : costs) {
      if (cost.cost.macs == 0) continue;
      ++products;
      EXPECT_EQ(cost.algorithm.rfind(algorithm, 0), 0u) << cost.name << " runs " << cost.algorithm;
    }
    EXPECT_EQ(products, 1);
    EXPECT_EQ(reference_kernel_warnings(costs), std::vector<std::string>{});
  }
}

// Under ABFT's separate scheme the depthwise path checks each plane's exact sums (one
// check per image and channel, none disagreeing); the GEMM path's products, one per image,
// are checked by the int8 GEMM itself.
TEST(FuseDynamicConv, DepthwisePlanesAreCheckedUnderTheSeparateScheme) {
  if (!fused_operator_registered("QConv")) GTEST_SKIP() << "vigil.QConv is not registered";
  ConvForm depthwise;
  depthwise.filters = depthwise.group = depthwise.channels;
  for (const ConvForm& form : {depthwise, ConvForm{}}) {
    Session session(dynamic_conv(form), SessionOptions{1, true});
    kernels::GemmCheckSink sink(kernels::GemmCheckScheme::Separate, true);
    kernels::GemmThreadContext context;
    context.check = &sink;
    const kernels::GemmThreadScope scope(context);
    session.run({{"x", input(form.channels)}});
    const kernels::GemmCheckTally tally = sink.take();
    if (form.group > 1) {
      EXPECT_EQ(tally.products, 1);
      EXPECT_EQ(tally.lines, 2 * form.channels);  // 2 images x 8 channels
    } else {
      EXPECT_EQ(tally.products, 2);  // a product per image
    }
    EXPECT_EQ(tally.failures, 0) << tally.first_failure;
  }
}

}  // namespace vigil::testing

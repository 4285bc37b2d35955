// SPDX-License-Identifier: Apache-2.0
// The float32 planned paths of the element-wise, softmax, normalisation, reduction,
// pooling and data-movement operators against their reference code: the same node run on
// float64 inputs takes the reference path, so each case compares the two. Broadcast
// patterns, axes, tails, two threads on tensors large enough to split, and execution with
// the output sharing the input's buffer (the memory plan's in-place case).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "ops/elementwise.h"
#include "ops/op_test_util.h"

namespace vigil::testing {
namespace {

Tensor random_tensor(const Shape& shape, float low, float high, uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> v(static_cast<size_t>(shape_numel(shape)));
  for (float& x : v) x = uniform(engine);
  return make<float>(shape, v);
}

// Runs the node on the float32 inputs and on their float64 copies; expects the same
// shape and values within `tolerance` (relative to max(1, |reference|)).
void expect_matches_reference(const OpRunner& runner, const std::vector<Tensor>& inputs, double tolerance = 2e-6) {
  std::vector<Tensor> wide;
  for (const Tensor& t : inputs) {
    wide.push_back(t.empty() || t.dtype() != DType::Float32 ? t : convert_tensor(t, DType::Float64));
  }
  const Tensor fast = runner.run1(inputs);
  const Tensor reference = runner.run1(wide);
  ASSERT_EQ(fast.dtype(), DType::Float32);
  ASSERT_EQ(fast.shape(), reference.shape());
  const float* got = fast.data<float>();
  const double* want = reference.data<double>();
  double worst = 0;
  for (int64_t i = 0; i < fast.numel(); ++i) {
    if (std::isnan(want[i]) || std::isinf(want[i])) {
      EXPECT_EQ(std::isnan(got[i]), std::isnan(want[i])) << "element " << i;
      continue;
    }
    worst = std::max(worst, std::fabs(got[i] - want[i]) / std::max(1.0, std::fabs(want[i])));
  }
  EXPECT_LE(worst, tolerance);
}

Node node_of(const std::string& op_type);

TEST(F32FastOpsTest, ArithmeticBroadcastPatterns) {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3, 17}, {2, 3, 17}}, {{2, 3, 17}, {}},        {{}, {2, 3, 17}}, {{2, 3, 17}, {17}}, {{17}, {2, 3, 17}},
      {{2, 3, 17}, {3, 1}},     {{2, 1, 17}, {1, 3, 1}}, {{4, 1}, {1, 9}}, {{1}, {1}},         {{0, 3}, {3}}};
  for (const char* op : {"Add", "Sub", "Mul", "Div"}) {
    for (const auto& [a, b] : shapes) {
      SCOPED_TRACE(std::string(op) + " " + shape_to_string(a) + " " + shape_to_string(b));
      expect_matches_reference(OpRunner(op, 14), {random_tensor(a, 0.5f, 2.0f, 1), random_tensor(b, 0.5f, 2.0f, 2)});
    }
  }
}

TEST(F32FastOpsTest, ArithmeticSplitsOverTwoThreads) {
  expect_matches_reference(OpRunner("Add", 14).threads(2),
                           {random_tensor({64, 1000}, -1, 1, 3), random_tensor({1000}, -1, 1, 4)});
  expect_matches_reference(OpRunner("Mul", 14).threads(2),
                           {random_tensor({40001}, -1, 1, 5), random_tensor({40001}, -1, 1, 6)});
  expect_matches_reference(OpRunner("Sub", 14).threads(2),
                           {random_tensor({8, 64, 99}, -1, 1, 7), random_tensor({8, 1, 99}, -1, 1, 8)});
}

TEST(F32FastOpsTest, PowWithScalarExponents) {
  for (float e : {2.0f, 0.5f, 3.0f, -1.0f}) {
    expect_matches_reference(OpRunner("Pow", 15), {random_tensor({3, 19}, 0.1f, 3.0f, 9), make<float>({}, {e})});
  }
  expect_matches_reference(OpRunner("Pow", 15), {random_tensor({3, 19}, 0.1f, 3.0f, 9), random_tensor({19}, 1, 2, 1)});
}

TEST(F32FastOpsTest, UnaryOperators) {
  const Tensor x = random_tensor({3, 41}, -5.0f, 5.0f, 10);
  const Tensor positive = random_tensor({3, 41}, 0.01f, 5.0f, 11);
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "Erf", "Exp", "Abs", "Neg", "HardSwish"}) {
    SCOPED_TRACE(op);
    expect_matches_reference(OpRunner(op, 14), {x});
  }
  expect_matches_reference(OpRunner("Sqrt", 14), {positive});
  expect_matches_reference(OpRunner("Reciprocal", 14), {positive});
  expect_matches_reference(OpRunner("LeakyRelu", 14).attr("alpha", 0.2f), {x});
  expect_matches_reference(OpRunner("HardSigmoid", 14).attr("alpha", 0.3f).attr("beta", 0.4f), {x});
  expect_matches_reference(OpRunner("Clip", 6).attr("min", -1.0f).attr("max", 2.0f), {x});
  expect_matches_reference(OpRunner("Relu", 14).threads(2), {random_tensor({70000}, -1, 1, 12)});
}

TEST(F32FastOpsTest, VigilGeluMatchesTheErfForm) {
  Node node = node_of("Gelu");
  node.domain = "vigil";
  const OpCreateInfo info{node, 1, nullptr, [](const std::string&) -> const Tensor* { return nullptr; }, 1};
  const auto op = OpRegistry::instance().find("vigil", "Gelu")(info);
  for (DType type : {DType::Float32, DType::Float64}) {
    const Tensor x = convert_tensor(random_tensor({3, 37}, -6, 6, 42), type);
    OpInputs in{&x};
    OpOutputs out(1);
    op->run(in, out);
    const Tensor y = convert_tensor(out[0], DType::Float64);
    const Tensor x64 = convert_tensor(x, DType::Float64);
    for (int64_t i = 0; i < x.numel(); ++i) {
      const double v = x64.data<double>()[i];
      EXPECT_NEAR(y.data<double>()[i], 0.5 * v * (1 + std::erf(v / std::sqrt(2.0))),
                  3e-7 * std::max(1.0, std::fabs(v)));
    }
  }
}

TEST(F32FastOpsTest, ClipReadsItsBoundInputs) {
  const Tensor x = random_tensor({5, 13}, -5.0f, 5.0f, 13);
  const Tensor y = OpRunner("Clip", 13).run1({x, make<float>({}, {0.0f}), make<float>({}, {6.0f})});
  for (int64_t i = 0; i < x.numel(); ++i)
    EXPECT_EQ(y.data<float>()[i], std::min(std::max(x.data<float>()[i], 0.0f), 6.0f));
  const Tensor upper_only = OpRunner("Clip", 13).run1({x, Tensor(), make<float>({}, {1.0f})});
  for (int64_t i = 0; i < x.numel(); ++i) EXPECT_EQ(upper_only.data<float>()[i], std::min(x.data<float>()[i], 1.0f));
}

TEST(F32FastOpsTest, SoftmaxAndLogSoftmax) {
  expect_matches_reference(OpRunner("Softmax", 13), {random_tensor({2, 3, 17}, -5, 5, 14)});
  expect_matches_reference(OpRunner("Softmax", 11).attr("axis", 1), {random_tensor({2, 3, 17}, -5, 5, 15)});
  expect_matches_reference(OpRunner("Softmax", 13).attr("axis", 1), {random_tensor({2, 3, 17}, -5, 5, 16)});
  expect_matches_reference(OpRunner("LogSoftmax", 13), {random_tensor({4, 33}, -50, 50, 17)}, 1e-5);
  expect_matches_reference(OpRunner("Softmax", 13).threads(2), {random_tensor({64, 1000}, -5, 5, 18)});
}

TEST(F32FastOpsTest, LayerNormalization) {
  const Tensor x = random_tensor({2, 5, 33}, -3, 3, 19);
  const Tensor scale = random_tensor({33}, 0.5, 1.5, 20), bias = random_tensor({33}, -1, 1, 21);
  expect_matches_reference(OpRunner("LayerNormalization", 17), {x, scale, bias}, 1e-5);
  expect_matches_reference(OpRunner("LayerNormalization", 17), {x, scale}, 1e-5);
  expect_matches_reference(OpRunner("LayerNormalization", 17).attr("axis", 1),
                           {x, random_tensor({5, 33}, 0.5, 1.5, 22)}, 1e-5);
  // A model whose default domain is older than 17 (the graph passes build the node).
  expect_matches_reference(OpRunner("LayerNormalization", 13).threads(2),
                           {random_tensor({128, 256}, -3, 3, 23), random_tensor({256}, 0.5, 1.5, 24)}, 1e-5);
}

TEST(F32FastOpsTest, ReductionsOverTrailingAxes) {
  const Tensor x = random_tensor({2, 3, 17}, -3, 3, 25);
  expect_matches_reference(OpRunner("ReduceMean", 13).attr("axes", {-1}), {x});
  expect_matches_reference(OpRunner("ReduceMean", 13).attr("axes", {1, 2}).attr("keepdims", 0), {x});
  expect_matches_reference(OpRunner("ReduceMean", 13).attr("axes", {0}), {x});  // reference path
  expect_matches_reference(OpRunner("ReduceMax", 13).attr("axes", {2}), {x});
  expect_matches_reference(OpRunner("ReduceSumSquare", 13).attr("axes", {2}).attr("keepdims", 0), {x});
  expect_matches_reference(OpRunner("ReduceMean", 13).attr("axes", {-1}).threads(2),
                           {random_tensor({512, 256}, -3, 3, 26)});
}

TEST(F32FastOpsTest, Pooling) {
  const Tensor x = random_tensor({2, 3, 11, 13}, -3, 3, 27);
  expect_matches_reference(OpRunner("GlobalAveragePool", 13), {x});
  expect_matches_reference(
      OpRunner("MaxPool", 13).attr("kernel_shape", {3, 3}).attr("strides", {2, 2}).attr("pads", {1, 1, 1, 1}), {x});
  expect_matches_reference(OpRunner("MaxPool", 13).attr("kernel_shape", {2, 2}).attr("strides", {2, 2}), {x});
  expect_matches_reference(
      OpRunner("MaxPool", 13).attr("kernel_shape", {3, 3}).attr("strides", {2, 2}).attr("ceil_mode", 1), {x});
  for (int include_pad : {0, 1}) {
    expect_matches_reference(OpRunner("AveragePool", 13)
                                 .attr("kernel_shape", {3, 3})
                                 .attr("strides", {2, 2})
                                 .attr("pads", {1, 0, 2, 1})
                                 .attr("count_include_pad", include_pad),
                             {x});
    expect_matches_reference(OpRunner("AveragePool", 13)
                                 .attr("kernel_shape", {2, 3})
                                 .attr("strides", {1, 2})
                                 .attr("ceil_mode", 1)
                                 .attr("count_include_pad", include_pad),
                             {x});
  }
  expect_matches_reference(OpRunner("MaxPool", 13).attr("kernel_shape", {3, 3}).attr("strides", {2, 2}).threads(2),
                           {random_tensor({1, 64, 56, 56}, -3, 3, 28)});
}

TEST(F32FastOpsTest, TransposePermutations) {
  const Tensor x = random_tensor({2, 5, 3, 7}, -3, 3, 29);
  for (std::initializer_list<int64_t> perm : {std::initializer_list<int64_t>{0, 2, 1, 3},
                                              {0, 1, 3, 2},
                                              {3, 2, 1, 0},
                                              {1, 0, 2, 3},
                                              {0, 3, 1, 2},
                                              {0, 1, 2, 3},
                                              {2, 0, 3, 1}}) {
    expect_matches_reference(OpRunner("Transpose", 13).attr("perm", perm), {x}, 0);
  }
  expect_matches_reference(OpRunner("Transpose", 13), {random_tensor({19, 23}, -1, 1, 30)}, 0);
  expect_matches_reference(OpRunner("Transpose", 13).attr("perm", {1, 0, 2}), {random_tensor({128, 1, 256}, -1, 1, 31)},
                           0);
  expect_matches_reference(OpRunner("Transpose", 13).attr("perm", {0, 2, 1}).threads(2),
                           {random_tensor({4, 128, 64}, -1, 1, 32)}, 0);
}

// Runs the node's planned path with the output in the buffer of input 0, as the memory
// plan does when in_place_input() says so.
Tensor run_in_place(const Node& node, int64_t opset, const std::vector<Tensor>& inputs, int threads = 1) {
  const OpFactory factory = OpRegistry::instance().find(node.domain, node.op_type);
  const OpCreateInfo info{node, opset, nullptr, [](const std::string&) -> const Tensor* { return nullptr; }, threads};
  const auto op = factory(info);
  SCOPED_TRACE(node.op_type);
  EXPECT_EQ(op->in_place_input(), 0);
  OpInputs in;
  for (const Tensor& t : inputs) in.push_back(t.empty() ? nullptr : &t);
  std::vector<TensorSpec> specs;
  EXPECT_TRUE(op->plan(in, specs));
  EXPECT_EQ(specs.at(0).shape, inputs[0].shape());
  OpOutputs out{inputs[0]};
  op->execute(in, out);
  return out[0];
}

Node node_of(const std::string& op_type) {
  Node node;
  node.name = "in_place";
  node.op_type = op_type;
  node.outputs = {"y"};
  return node;
}

TEST(F32FastOpsTest, InPlaceExecution) {
  const Tensor x = random_tensor({3, 40}, -3, 3, 33), row = random_tensor({40}, 0.5, 2, 34);
  for (const char* op : {"Add", "Div"}) {
    const Tensor expected = OpRunner(op, 14).run1({x, row});
    const Tensor y = run_in_place(node_of(op), 14, {x.clone(), row});
    expect_near(y, values(expected), 0);
  }
  for (const char* op : {"Relu", "Sigmoid", "Softmax"}) {
    const Tensor expected = OpRunner(op, 14).run1({x});
    const Tensor y = run_in_place(node_of(op), 14, {x.clone()}, 2);
    expect_near(y, values(expected), 0);
  }
  const Tensor expected = OpRunner("LayerNormalization", 17).run1({x, row});
  expect_near(run_in_place(node_of("LayerNormalization"), 17, {x.clone(), row}), values(expected), 0);
}

// Creates the node's operator with the named constants visible to its factory.
std::unique_ptr<Operator> create_with_constants(const Node& node, int64_t opset,
                                                const std::map<std::string, const Tensor*>& constants) {
  const OpCreateInfo info{node, opset, nullptr,
                          [&](const std::string& name) -> const Tensor* {
                            const auto it = constants.find(name);
                            return it == constants.end() ? nullptr : it->second;
                          },
                          1};
  return OpRegistry::instance().find("", node.op_type)(info);
}

TEST(F32FastOpsTest, SliceWithConstantParameters) {
  const Tensor x = random_tensor({6, 1, 12}, -3, 3, 40);
  const Tensor starts = ints({4, 2}), ends = ints({8, 100}), axes = ints({2, 0}), steps = ints({1, 2});
  Node node = node_of("Slice");
  node.inputs = {"x", "starts", "ends", "axes", "steps"};
  const auto op =
      create_with_constants(node, 13, {{"starts", &starts}, {"ends", &ends}, {"axes", &axes}, {"steps", &steps}});
  EXPECT_EQ(op->algorithm(), "slice_rows");
  OpInputs in{&x, &starts, &ends, &axes, &steps};
  OpOutputs out(1);
  op->run(in, out);
  const Tensor reference = OpRunner("Slice", 13).run1({x, starts, ends, axes, steps});
  ASSERT_EQ(out[0].shape(), reference.shape());
  expect_near(out[0], values(reference), 0);
}

TEST(F32FastOpsTest, ReshapePlanSharesOrCopies) {
  const Tensor x = random_tensor({2, 3, 4}, -3, 3, 41);
  const Tensor shape = ints({4, -1});
  Node node = node_of("Reshape");
  node.inputs = {"x", "shape"};
  const auto op = create_with_constants(node, 14, {{"shape", &shape}});
  EXPECT_EQ(op->in_place_input(), 0);
  OpInputs in{&x, &shape};
  std::vector<TensorSpec> specs;
  ASSERT_TRUE(op->plan(in, specs));
  EXPECT_EQ(specs.at(0).shape, Shape({4, 6}));
  OpOutputs separate{Tensor(DType::Float32, {4, 6})};
  op->execute(in, separate);
  expect_near(separate[0], values(x), 0);
  OpOutputs shared{x.reshaped({4, 6})};
  op->execute(in, shared);
  expect_near(shared[0], values(x), 0);
}

TEST(F32FastOpsTest, BatchNormalizationWithConstantParameters) {
  const Tensor x = random_tensor({2, 3, 5, 7}, -3, 3, 35);
  const Tensor scale = random_tensor({3}, 0.5, 1.5, 36), bias = random_tensor({3}, -1, 1, 37);
  const Tensor mean = random_tensor({3}, -1, 1, 38), variance = random_tensor({3}, 0.5, 2, 39);
  Node node = node_of("BatchNormalization");
  node.inputs = {"x", "scale", "bias", "mean", "var"};
  const std::map<std::string, const Tensor*> constants = {
      {"scale", &scale}, {"bias", &bias}, {"mean", &mean}, {"var", &variance}};
  const OpCreateInfo info{node, 15, nullptr,
                          [&](const std::string& name) -> const Tensor* {
                            const auto it = constants.find(name);
                            return it == constants.end() ? nullptr : it->second;
                          },
                          2};
  const auto op = OpRegistry::instance().find("", "BatchNormalization")(info);
  EXPECT_EQ(op->algorithm(), "f32_affine");
  OpInputs in{&x, &scale, &bias, &mean, &variance};
  OpOutputs out(1);
  op->run(in, out);
  const Tensor reference = OpRunner("BatchNormalization", 15).run1({x, scale, bias, mean, variance});
  expect_near(out[0], values(reference), 1e-5f);
}

}  // namespace
}  // namespace vigil::testing

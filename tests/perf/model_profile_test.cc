// SPDX-License-Identifier: Apache-2.0
// The profiler on a small graph against a hand-made roofline: every layer's cost, its
// intensity and achieved rate follow from the cost and the measured time, its share of
// peak and of the roof and its side of the ridge follow from the peaks, and the model's
// totals add up.
#include "perf/model_profile.h"

#include <gtest/gtest.h>

#include "graph_nodes.h"
#include "random_data.h"

namespace vigil::perf {
namespace {

using testing::random_tensor;

using testing::node;

// x [64, 32] -> MatMul [32, 48] -> Relu -> MatMul [48, 16] -> y.
std::shared_ptr<Model> mlp_model() {
  auto model = std::make_shared<Model>();
  model->opsets[""] = 13;
  Graph& graph = model->graph;
  graph.inputs.push_back({"x", DType::Float32, true, {{64, ""}, {32, ""}}});
  graph.initializers["w1"] = random_tensor({32, 48}, 1);
  graph.initializers["w2"] = random_tensor({48, 16}, 2);
  graph.nodes = {node("MatMul", {"x", "w1"}, {"h"}), node("Relu", {"h"}, {"r"}), node("MatMul", {"r", "w2"}, {"y"})};
  graph.outputs.push_back({"y", DType::Float32, true, {}});
  graph.validate_and_sort();
  return model;
}

// One core: 100 GFLOP/s fp32, 400 GOP/s int8, 20 GB/s: the fp32 ridge at 5 flop/byte.
MachinePeaks hand_made_peaks() {
  MachinePeaks peaks;
  peaks.cpu_model = "test CPU";
  peaks.cores = 2;
  peaks.fp32_avx2 = {100.0, 200.0};
  peaks.int8 = {400.0, 800.0};
  peaks.read_gbs = {25.0, 40.0};
  peaks.triad_gbs = {20.0, 30.0};
  return peaks;
}

TEST(ModelProfile, PlacesEveryLayerOnTheRoofline) {
  ProfileOptions options;
  options.runs = 5;
  options.optimize = false;
  const std::map<std::string, Tensor> feeds = {{"x", random_tensor({64, 32}, 3)}};
  const ModelProfile profile = profile_model(mlp_model(), "mlp.onnx", feeds, options, hand_made_peaks());
  EXPECT_EQ(profile.model, "mlp.onnx");
  EXPECT_EQ(profile.runs, 5);
  EXPECT_DOUBLE_EQ(profile.fp32_peak_gops, 100.0);
  EXPECT_DOUBLE_EQ(profile.memory_gbs, 20.0);
  ASSERT_EQ(profile.layers.size(), 3u);

  const LayerProfile& first = profile.layers[0];
  EXPECT_EQ(first.op_type, "MatMul");
  EXPECT_EQ(first.cost.macs, 64 * 48 * 32);
  EXPECT_EQ(first.cost.ops, 2 * 64 * 48 * 32);
  EXPECT_EQ(first.cost.bytes(), (64 * 32 + 32 * 48 + 64 * 48) * 4);
  EXPECT_DOUBLE_EQ(first.intensity, 196608.0 / 26624.0);  // 7.4 flop/byte: right of the ridge
  EXPECT_EQ(first.bound, Bound::Compute);
  const LayerProfile& relu = profile.layers[1];
  EXPECT_DOUBLE_EQ(relu.intensity, 1.0 / 8.0);  // one op per 4-byte read and 4-byte write
  EXPECT_EQ(relu.bound, Bound::Memory);

  int64_t macs = 0;
  double layer_seconds = 0.0;
  for (const LayerProfile& layer : profile.layers) {
    ASSERT_GT(layer.seconds, 0.0) << layer.name;
    EXPECT_NEAR(layer.achieved_gops, layer.cost.ops / layer.seconds * 1e-9, 1e-9 * layer.achieved_gops);
    EXPECT_NEAR(layer.achieved_gbs, layer.cost.bytes() / layer.seconds * 1e-9, 1e-9 * layer.achieved_gbs);
    EXPECT_NEAR(layer.percent_of_peak, layer.achieved_gops, 1e-9 * layer.achieved_gops);  // peak 100
    const double roof = std::min(100.0, layer.intensity * 20.0);
    EXPECT_NEAR(layer.percent_of_roof, 100.0 * layer.achieved_gops / roof, 1e-9 * layer.percent_of_roof);
    macs += layer.cost.macs;
    layer_seconds += layer.seconds;
  }
  EXPECT_EQ(profile.macs, macs);
  EXPECT_NEAR(profile.layer_seconds, layer_seconds, 1e-12);
  EXPECT_EQ(profile.parameters, 32 * 48 + 48 * 16);
  EXPECT_EQ(profile.parameter_bytes, 4 * profile.parameters);
  // h (64x48) and r (written in place or beside it) and y: the arena holds at least h.
  EXPECT_GE(profile.peak_activation_bytes, 64 * 48 * 4);
  ASSERT_GT(profile.latency_seconds, 0.0);
  EXPECT_NEAR(profile.throughput_per_second, 1.0 / profile.latency_seconds, 1e-9 * profile.throughput_per_second);
  EXPECT_NEAR(profile.utilization_percent, profile.achieved_gops, 1e-9 * profile.achieved_gops);
}

TEST(ModelProfile, PeaksOnSeveralThreadsInterpolateBetweenOneCoreAndAll) {
  const MachinePeaks peaks = hand_made_peaks();
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(1), 100.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(2), 200.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(8), 200.0);
  EXPECT_DOUBLE_EQ(peaks.memory_gbs(2), 30.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_ridge(1), 5.0);
  EXPECT_DOUBLE_EQ(peaks.int8_ridge(2), 800.0 / 30.0);
}

TEST(ModelProfile, RefusesOptionsOutOfRange) {
  const std::map<std::string, Tensor> feeds = {{"x", random_tensor({64, 32}, 3)}};
  ProfileOptions options;
  options.runs = 0;
  EXPECT_THROW(profile_model(mlp_model(), "mlp.onnx", feeds, options, hand_made_peaks()), Error);
  options.runs = 1;
  options.threads = 0;
  EXPECT_THROW(profile_model(mlp_model(), "mlp.onnx", feeds, options, hand_made_peaks()), Error);
}

}  // namespace
}  // namespace vigil::perf

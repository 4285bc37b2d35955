// SPDX-License-Identifier: Apache-2.0
// The profiler on the shipped Fashion-MNIST CNN: the layers of the optimised graph with the
// MACs counted by hand (28x28x32x9 for the first convolution, 11,466,496 in all) and the
// parameters of the file, every layer timed.
#include <gtest/gtest.h>

#include "onnx_io/model_import.h"
#include "perf/model_profile.h"

namespace vigil::perf {

TEST(FashionMnistProfile, CountsTheModelAndTimesEveryLayer) {
  const std::string path = VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx";
  MachinePeaks peaks;
  peaks.cores = 2;
  peaks.fp32_avx2 = {100.0, 200.0};
  peaks.triad_gbs = {20.0, 30.0};
  ProfileOptions options;
  options.threads = 2;
  options.runs = 5;
  std::map<std::string, Tensor> feeds = {{"image", Tensor(DType::Float32, {1, 1, 28, 28})}};
  const ModelProfile profile = profile_model(load_model(path), path, feeds, options, peaks);
  ASSERT_EQ(profile.layers.size(), 10u);
  EXPECT_EQ(profile.layers[2].op_type, "vigil.FusedConv");
  EXPECT_EQ(profile.layers[2].cost.macs, 28 * 28 * 32 * 9);
  EXPECT_EQ(profile.macs, 11466496);
  EXPECT_EQ(profile.parameters, 430890);
  EXPECT_DOUBLE_EQ(profile.fp32_peak_gops, 200.0);
  for (const LayerProfile& layer : profile.layers) EXPECT_GT(layer.seconds, 0.0) << layer.name;
  EXPECT_GT(profile.latency_seconds, 0.0);
  EXPECT_GT(profile.utilization_percent, 0.0);
}

}  // namespace vigil::perf

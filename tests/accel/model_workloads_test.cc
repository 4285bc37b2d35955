// SPDX-License-Identifier: Apache-2.0
// Real models through vigil predict's library path: every template maps every layer of
// ResNet-18 and MobileNetV2 onto Eyeriss (and the systolic template onto the TPU-like
// spec), MobileNetV2's depthwise convolutions arrive as
// one channel per group, the five AlexNet layers' totals match Eyeriss's published
// totals, and the near-memory spec gains on memory-bound layers only. The models are generated
// (bench/export_models.py); without them the model part is skipped.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "accel/predict.h"

namespace vigil::accel {
namespace {

const ArchSpec& eyeriss() {
  static const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  return arch;
}

TEST(AccelModels, EveryTemplateMapsResNet18AndMobileNetV2) {
  for (const char* name : {"resnet18", "mobilenet_v2"}) {
    const std::string path = std::string(VIGIL_SOURCE_DIR "/bench/models/") + name + ".onnx";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << path << " is not generated";
    const Workload workload = load_workload(path, 1);
    int depthwise = 0;
    for (const Layer& layer : workload.layers) {
      if (layer.op == "Conv" && layer.size(Dim::G) > 1 && layer.size(Dim::C) == 1 && layer.size(Dim::K) == 1) {
        ++depthwise;
      }
    }
    EXPECT_EQ(depthwise, std::string(name) == "mobilenet_v2" ? 17 : 0) << name;
    for (const std::string& dataflow : dataflow_names()) {
      if (dataflow == "search") continue;
      const Prediction prediction = predict(eyeriss(), workload, dataflow);  // throws if a layer does not fit
      EXPECT_EQ(prediction.layers.size(), workload.layers.size());
      EXPECT_GT(prediction.total.energy_mj, 0) << name << " " << dataflow;
    }
    const ArchSpec systolic = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/systolic.yaml");
    EXPECT_EQ(predict(systolic, workload, "systolic").layers.size(), workload.layers.size()) << name;
  }
}

// Table V's totals (sums of latency, power and active PEs weighted by processing
// latency): 103.5 ms, 115.3 ms, 278 mW, 148 PEs.
TEST(AccelModels, AlexNetTotalsMatchEyeriss) {
  const Workload alexnet = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml");
  const PredictionTotals t = predict(eyeriss(), alexnet, "row_stationary").total;
  EXPECT_NEAR(t.processing_latency_ms, 103.5, 0.02 * 103.5);
  EXPECT_NEAR(t.total_latency_ms, 115.3, 0.01 * 115.3);
  EXPECT_NEAR(t.power_mw, 278, 0.03 * 278);
  EXPECT_EQ(std::lround(t.active_pes), 148);
}

// The illustrative near-memory spec against the edge spec on a matrix-vector product
// (MobileNetV2's classifier at batch 1), a memory-bound layer: the banks' internal
// bandwidth wins; on a compute-bound convolution the edge chip's faster clock wins.
TEST(AccelModels, NearMemoryGainsOnMemoryBoundLayersOnly) {
  const ArchSpec edge = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/edge.yaml");
  const ArchSpec pim = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/pim.yaml");
  const Workload layers = parse_workload_yaml(R"(
layers:
  - {name: gemv, K: 1000, C: 1280, P: 1, Q: 1}
  - {name: conv, K: 128, C: 128, R: 3, S: 3, P: 28, Q: 28}
)",
                                              "layers.yaml");
  MapperOptions options;
  options.max_evaluations = 5000;
  const Prediction on_edge = predict(edge, layers, "search", options);
  const Prediction on_pim = predict(pim, layers, "search", options);
  EXPECT_LT(on_pim.layers[0].result.total_latency_ms, on_edge.layers[0].result.total_latency_ms / 5);
  EXPECT_GT(on_pim.layers[1].result.total_latency_ms, on_edge.layers[1].result.total_latency_ms);
}

}  // namespace
}  // namespace vigil::accel

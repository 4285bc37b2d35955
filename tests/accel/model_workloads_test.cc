// Real models through vigil predict's library path: every template maps every layer of
// ResNet-18 and MobileNetV2 onto Eyeriss, MobileNetV2's depthwise convolutions arrive as
// one channel per group, and the five AlexNet layers' totals match Eyeriss's published
// totals. The models are generated (bench/export_models.py); without them the model
// part is skipped.
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
    for (const char* dataflow : {"row_stationary", "weight_stationary", "output_stationary", "input_stationary"}) {
      const Prediction prediction = predict(eyeriss(), workload, dataflow);  // throws if a layer does not fit
      EXPECT_EQ(prediction.layers.size(), workload.layers.size());
      EXPECT_GT(prediction.total.energy_mj, 0) << name << " " << dataflow;
    }
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

}  // namespace
}  // namespace vigil::accel

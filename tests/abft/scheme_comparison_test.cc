// SPDX-License-Identifier: Apache-2.0
// The per-layer comparison of the ABFT schemes (abft/scheme_comparison.h) on the shipped
// Fashion-MNIST CNN: every step timed in all three sessions, the five Conv and Gemm steps
// checked by both schemes and nothing else, intensities and the ridge from the step costs
// and the peaks given, and the tallies of the faster scheme consistent with the layers.
#include "abft/scheme_comparison.h"

#include <gtest/gtest.h>

#include "onnx_io/model_import.h"

namespace vigil::abft {
namespace {

TEST(SchemeComparison, TimesEveryLayerUnderEachScheme) {
  const auto model = load_model(VIGIL_SOURCE_DIR "/models/fashion_mnist_cnn.onnx");
  Tensor image(DType::Float32, {2, 1, 28, 28});
  for (int64_t i = 0; i < image.numel(); ++i) image.data<float>()[i] = static_cast<float>(i % 29) / 29.0f;
  perf::MachinePeaks peaks;
  peaks.cores = 2;
  peaks.fp32_avx2 = {50.0, 100.0};
  peaks.int8 = {200.0, 400.0};
  peaks.triad_gbs = {20.0, 25.0};
  const SchemeComparison comparison = compare_schemes(model, {{"image", image}}, 1, 3, peaks);
  EXPECT_EQ(comparison.runs, 3);
  EXPECT_GT(comparison.off_seconds, 0);
  EXPECT_GT(comparison.fused_seconds, 0);
  EXPECT_GT(comparison.separate_seconds, 0);
  int checked = 0, fused_faster = 0;
  double saves = 0;
  for (const LayerComparison& layer : comparison.layers) {
    EXPECT_GT(layer.off_seconds, 0) << layer.name;
    const bool gemm_shaped = layer.op_type.find("Conv") != std::string::npos ||
                             layer.op_type.find("Gemm") != std::string::npos;
    EXPECT_EQ(layer.fused_checked, gemm_shaped) << layer.name;
    EXPECT_EQ(layer.separate_checked, gemm_shaped) << layer.name;
    if (!gemm_shaped) continue;
    ++checked;
    EXPECT_GT(layer.macs, 0) << layer.name;
    EXPECT_GT(layer.intensity, 0) << layer.name;
    EXPECT_DOUBLE_EQ(layer.ridge, 50.0 / 20.0) << layer.name;  // fp32, one thread
    if (layer.fused_seconds <= layer.separate_seconds) {
      ++fused_faster;
    } else {
      saves += layer.fused_seconds - layer.separate_seconds;
    }
  }
  EXPECT_EQ(checked, 5);
  EXPECT_EQ(comparison.checked_layers, checked);
  EXPECT_EQ(comparison.fused_faster, fused_faster);
  EXPECT_DOUBLE_EQ(comparison.best_saves_seconds, saves);
  EXPECT_THROW(compare_schemes(model, {{"image", image}}, 1, 0, peaks), Error);
}

}  // namespace
}  // namespace vigil::abft

// SPDX-License-Identifier: Apache-2.0
// The systolic template on the TPU-like spec behaves like a weight-stationary systolic
// array: each fold costs SCALE-Sim's 2 R + C + T - 2 cycles, utilization falls with the
// part of the array a layer leaves empty, a large matrix product nearly fills it, and a
// depthwise convolution uses R x S rows of one column.
#include <gtest/gtest.h>

#include <cmath>

#include "accel/evaluate.h"
#include "accel/predict.h"

namespace vigil::accel {
namespace {

const ArchSpec& systolic_arch() {
  static const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/systolic.yaml");
  return arch;
}

Layer layer_of(int64_t n, int64_t g, int64_t k, int64_t c, int64_t r, int64_t p) {
  Layer layer;
  layer.name = "layer";
  layer.dims = {n, g, k, c, r, r, p, p};
  return layer;
}

EvalResult run(const Layer& layer) {
  const EvalResult r = evaluate(systolic_arch(), layer, template_mapping("systolic", systolic_arch(), layer));
  EXPECT_TRUE(r.ok) << r.reason;
  return r;
}

constexpr double kRows = 64, kCols = 64;

// SCALE-Sim (Samajdar et al., ISPASS 2020): with the convolution lowered to C R S rows,
// K columns and T = N P Q streamed rows of inputs, a weight-stationary array of R x C
// PEs takes (2 R + C + T - 2) cycles per fold, ceil(C R S / R) x ceil(K / C) folds.
TEST(AccelSystolic, MatchesScaleSimWeightStationaryCycles) {
  const Layer layer = layer_of(1, 1, 128, 64, 3, 28);
  const EvalResult r = run(layer);
  const double folds = std::ceil(64.0 * 9 / kRows) * std::ceil(128 / kCols);
  const double t = 28 * 28;
  EXPECT_EQ(r.passes, folds);
  EXPECT_EQ(r.ramp_cycles, folds * (2 * kRows + kCols - 2));
  EXPECT_EQ(r.processing_cycles, (2 * kRows + kCols + t - 2) * folds);
  EXPECT_EQ(r.active_pes, 64 * 64);
}

// The same passes with a quarter of the columns (K = 16) or of the rows (C = 16) take
// the same time for a quarter of the work.
TEST(AccelSystolic, UtilizationFallsWithTheEmptyPartOfTheArray) {
  const EvalResult full = run(layer_of(1, 1, 64, 64, 1, 56));
  const EvalResult few_filters = run(layer_of(1, 1, 16, 64, 1, 56));
  const EvalResult few_channels = run(layer_of(1, 1, 64, 16, 1, 56));
  EXPECT_NEAR(full.utilization, 3136 / (3136 + 2 * kRows + kCols - 2), 1e-12);
  EXPECT_EQ(few_filters.active_pes, 64 * 16);
  EXPECT_EQ(few_channels.active_pes, 16 * 64);
  EXPECT_NEAR(few_filters.utilization / full.utilization, 0.25, 1e-12);
  EXPECT_NEAR(few_channels.utilization / full.utilization, 0.25, 1e-12);
}

// 4096 x 256 times 256 x 256: 16 folds of 4096 streamed rows, each paying 190 cycles.
TEST(AccelSystolic, LargeMatrixProductNearlyFillsTheArray) {
  const EvalResult r = run(layer_of(4096, 1, 256, 256, 1, 1));
  EXPECT_EQ(r.passes, 16);
  EXPECT_NEAR(r.utilization, 4096 / (4096 + 2 * kRows + kCols - 2), 1e-12);
  EXPECT_GT(r.utilization, 0.95);
}

// One filter per group: the 3 x 3 window on 9 rows of one column, a fold per channel.
TEST(AccelSystolic, DepthwiseConvolutionUsesOneColumn) {
  const EvalResult r = run(layer_of(1, 32, 1, 1, 3, 28));
  EXPECT_EQ(r.active_pes, 9);
  EXPECT_EQ(r.passes, 32);
  EXPECT_LT(r.utilization, 9 / (kRows * kCols));
}

// Inputs enter the array once per row and cross it neighbour to neighbour: the buffer
// reads each im2col input once per fold of filters, not once per PE.
TEST(AccelSystolic, InputsAreReadOncePerRowAndFold) {
  const Layer layer = layer_of(1, 1, 128, 64, 1, 28);
  const EvalResult r = run(layer);
  const int buffer = 2, inputs = static_cast<int>(DataSpace::Inputs);
  EXPECT_EQ(r.levels[buffer].reads[inputs], 64 * 28 * 28 * 2);
  EXPECT_GT(r.noc_words, 2 * r.macs);  // but every PE receives the input and partial sum of each MAC
}

}  // namespace
}  // namespace vigil::accel

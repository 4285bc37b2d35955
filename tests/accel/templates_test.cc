// SPDX-License-Identifier: Apache-2.0
// The dataflow templates on small layers: each mapping covers the layer and fits the
// array, and the operand its dataflow keeps still crosses from DRAM exactly once.
#include <gtest/gtest.h>

#include "accel/evaluate.h"
#include "accel/predict.h"
#include "accel/row_stationary.h"
#include "accel/stationary_templates.h"

namespace vigil::accel {
namespace {

constexpr int kW = static_cast<int>(DataSpace::Weights);
constexpr int kO = static_cast<int>(DataSpace::Outputs);

// 4 x 8 PEs, a register file per PE, a 64 KB buffer, DRAM.
ArchSpec array_arch() {
  ArchSpec arch;
  arch.pe_rows = 4;
  arch.pe_cols = 8;
  MemoryLevel rf;
  rf.name = "rf";
  rf.per_pe = true;
  rf.size_bytes = 512;
  MemoryLevel buffer;
  buffer.name = "buffer";
  buffer.size_bytes = 64 * 1024;
  arch.levels = {rf, buffer};
  return arch;
}

Layer conv(int64_t k, int64_t c, int64_t r, int64_t p) {
  Layer layer;
  layer.name = "conv";
  layer.dims = {2, 1, k, c, r, r, p, p};
  return layer;
}

TEST(AccelTemplates, WeightStationaryReadsEachWeightOnce) {
  const ArchSpec arch = array_arch();
  const Layer layer = conv(8, 4, 3, 6);
  const EvalResult r = evaluate(arch, layer, template_mapping("weight_stationary", arch, layer));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.active_pes, 32);  // K = 8 on columns, C = 4 on rows
  EXPECT_EQ(r.levels.back().reads[kW], 8 * 4 * 9);
  EXPECT_EQ(r.compute_cycles, 2 * 9 * 36);  // N x R x S x P x Q per PE
}

TEST(AccelTemplates, OutputStationaryWritesEachOutputOnce) {
  const ArchSpec arch = array_arch();
  const Layer layer = conv(8, 4, 3, 6);
  const EvalResult r = evaluate(arch, layer, template_mapping("output_stationary", arch, layer));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.active_pes, 4 * 6);  // output rows on the 4 PE rows, the 6 columns on columns
  EXPECT_EQ(r.levels.back().writes[kO], 2 * 8 * 36);
  EXPECT_EQ(r.levels.back().reads[kO], 0);
}

// A 1 x 1 convolution has no halo: under input stationary each input crosses from DRAM
// once, and each PE's input stays while all 8 filters pass.
TEST(AccelTemplates, InputStationaryReadsEachInputOnce) {
  const ArchSpec arch = array_arch();
  const Layer layer = conv(8, 4, 1, 6);
  const EvalResult r = evaluate(arch, layer, template_mapping("input_stationary", arch, layer));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.active_pes, 4 * 6);  // C = 4 on rows, Q = 6 on columns
  EXPECT_EQ(r.levels.back().reads[static_cast<int>(DataSpace::Inputs)], 2 * 4 * 36);
  EXPECT_EQ(r.levels[0].writes[static_cast<int>(DataSpace::Inputs)], 2 * 4 * 36);
}

// A buffer too small for the whole layer: the stationary templates shrink their tiles
// until they fit, row-stationary its strips of output rows.
TEST(AccelTemplates, TemplatesShrinkTilesToFitTheBuffer) {
  ArchSpec arch = array_arch();
  arch.levels[1].size_bytes = 2048;
  const Layer layer = conv(16, 32, 3, 28);
  for (const std::string& dataflow : dataflow_names()) {
    if (dataflow == "search") continue;
    const EvalResult r = evaluate(arch, layer, template_mapping(dataflow, arch, layer));
    EXPECT_TRUE(r.ok) << dataflow << ": " << r.reason;
    EXPECT_LE(r.levels[1].occupancy_bytes, 2048) << dataflow;
  }
}

TEST(AccelTemplates, RowStationaryFillsTheArrayWithSets) {
  const ArchSpec arch = array_arch();
  const Layer layer = conv(8, 4, 2, 4);  // a 2 x 4 PE set: two fit on the rows, two on the columns
  const RowStationaryParams params = row_stationary_params(arch, layer);
  EXPECT_EQ(params.e, 4);
  EXPECT_EQ(params.t, 4);
  const EvalResult r = evaluate(arch, layer, row_stationary_mapping(arch, layer, params));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.active_pes, 32);
}

}  // namespace
}  // namespace vigil::accel

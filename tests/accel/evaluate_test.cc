// SPDX-License-Identifier: Apache-2.0
// The accelerator model against access counts, cycles and energies worked out by hand
// on small layers, and its refusals (a mapping that does not cover the layer, does not
// fit the array, or overflows a buffer) as reasons rather than exceptions.
#include "accel/evaluate.h"

#include <gtest/gtest.h>

namespace vigil::accel {
namespace {

constexpr int kW = static_cast<int>(DataSpace::Weights);
constexpr int kI = static_cast<int>(DataSpace::Inputs);
constexpr int kO = static_cast<int>(DataSpace::Outputs);

// One register file per PE holding everything, one shared buffer, DRAM; 2 x 2 PEs.
ArchSpec small_arch() {
  ArchSpec arch;
  arch.pe_rows = 2;
  arch.pe_cols = 2;
  arch.clock_mhz = 100;
  arch.mac_energy_pj = 1;
  MemoryLevel rf;
  rf.name = "rf";
  rf.per_pe = true;
  rf.size_bytes = 1024;
  rf.read_energy_pj = rf.write_energy_pj = 1;
  MemoryLevel buffer;
  buffer.name = "buffer";
  buffer.size_bytes = 1 << 20;
  buffer.read_energy_pj = buffer.write_energy_pj = 10;
  arch.levels = {rf, buffer};
  arch.dram.energy_pj_per_bit = 1;
  return arch;
}

Layer layer_of(DimArray dims, int64_t stride = 1) {
  Layer layer;
  layer.name = "test";
  layer.dims = dims;
  layer.stride_h = layer.stride_w = stride;
  return layer;
}

Mapping mapping_of(std::vector<std::vector<Loop>> temporal, std::vector<Loop> rows = {}, std::vector<Loop> cols = {}) {
  Mapping mapping;
  mapping.temporal = std::move(temporal);
  mapping.spatial_rows = std::move(rows);
  mapping.spatial_cols = std::move(cols);
  return mapping;
}

// A matrix product K=4, C=8 with N=2 rows on one PE, everything inside the register
// file except the K loop in DRAM: weights stream, inputs stay, outputs go out once.
TEST(AccelEvaluate, MatrixProductOnOnePeCountsEveryAccess) {
  const ArchSpec arch = small_arch();
  const Layer layer = layer_of({2, 1, 4, 8, 1, 1, 1, 1});
  const Mapping mapping = mapping_of({{{Dim::N, 2}, {Dim::C, 8}}, {}, {{Dim::K, 4}}});
  const EvalResult r = evaluate(arch, layer, mapping);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.macs, 64);
  EXPECT_EQ(r.compute_cycles, 64);
  EXPECT_EQ(r.active_pes, 1);
  // The register file's tiles: 8 weights, 16 inputs, 2 outputs.
  EXPECT_EQ(r.levels[0].tile_words[kW], 8);
  EXPECT_EQ(r.levels[0].tile_words[kI], 16);
  EXPECT_EQ(r.levels[0].tile_words[kO], 2);
  // Inputs do not depend on K, the only loop above: filled once. Weights four times
  // (all 32), outputs drained four times (all 8).
  EXPECT_EQ(r.levels[0].writes[kI], 16);
  EXPECT_EQ(r.levels[0].writes[kW], 32);
  EXPECT_EQ(r.levels[1].writes[kO], 8);
  // The buffer passes the same traffic to DRAM: each operand crosses once.
  EXPECT_EQ(r.levels[2].reads[kW], 32);
  EXPECT_EQ(r.levels[2].reads[kI], 16);
  EXPECT_EQ(r.levels[2].writes[kO], 8);
  EXPECT_EQ(r.levels[2].reads[kO], 0);  // no partial sum goes back
  EXPECT_EQ(r.dram_bytes, (32 + 16 + 8) * 2);
  // MAC operands from the register file: one read per MAC of weights, inputs and the
  // partial sum, one write of the partial sum.
  EXPECT_EQ(r.levels[0].reads[kW], 64);
  EXPECT_EQ(r.levels[0].reads[kI], 64);
  EXPECT_EQ(r.levels[0].reads[kO], 64 + 8);  // and the drain upwards
  EXPECT_EQ(r.levels[0].writes[kO], 64);
  EXPECT_EQ(r.mac_energy_pj, 64);
  EXPECT_EQ(r.dram_energy_pj, 112 * 8);
  EXPECT_EQ(r.processing_latency_ms, 64 / 100e6 * 1e3);
}

// Splitting C over DRAM with the rows (N) in the buffer: the register file's 4 partial
// sums leave after every N step, the buffer keeps all 8 across C and sends 3 x 8 of
// the 4 x 8 it receives back down for accumulation.
TEST(AccelEvaluate, PartialSumsReturnForAccumulation) {
  const ArchSpec arch = small_arch();
  const Layer layer = layer_of({2, 1, 4, 8, 1, 1, 1, 1});
  const Mapping mapping = mapping_of({{{Dim::K, 4}, {Dim::C, 2}}, {{Dim::N, 2}}, {{Dim::C, 4}}});
  const EvalResult r = evaluate(arch, layer, mapping);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.levels[1].writes[kO], 32);
  EXPECT_EQ(r.levels[1].reads[kO], 24 + 8);  // partial sums back down, then the final drain
  EXPECT_EQ(r.levels[2].writes[kO], 8);
}

// A 1-D convolution row, R = 3 spread over 3 PE rows with P = 2 over columns would not
// fit a 2 x 2 array; on a 3 x 2 array the inputs are multicast along diagonals: the
// shared buffer reads the (2 - 1) + 3 = 4 input rows once for 6 PEs.
TEST(AccelEvaluate, SpatialLoopsMulticastInputsAndReducePartialSums) {
  ArchSpec arch = small_arch();
  const Layer layer = layer_of({1, 1, 1, 1, 3, 1, 2, 5});
  const Mapping mapping = mapping_of({{{Dim::Q, 5}}, {}, {}}, {{Dim::R, 3}}, {{Dim::P, 2}});
  EvalResult refused = evaluate(arch, layer, mapping);
  EXPECT_FALSE(refused.ok);
  EXPECT_NE(refused.reason.find("3x2 PEs"), std::string::npos) << refused.reason;
  arch.pe_rows = 3;
  const EvalResult r = evaluate(arch, layer, mapping);
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_EQ(r.active_pes, 6);
  EXPECT_EQ(r.compute_cycles, 5);
  EXPECT_EQ(r.levels[0].writes[kI], 6 * 5);       // each PE gets one input row of 5
  EXPECT_EQ(r.levels[1].reads[kI], 4 * 5);        // the buffer sends 4 distinct rows
  EXPECT_EQ(r.levels[1].writes[kO], 2 * 5);       // partial sums of the 3 rows arrive summed
  EXPECT_EQ(r.levels[1].reads[kW], 3);            // one weight per PE row, multicast
  EXPECT_EQ(r.noc_words, 6 * 5 + 6 * 1 + 6 * 5);  // inputs, weights in; partial sums out
}

// An input sliding along Q refills only the new columns: a 3-wide window moved 4 times
// by 1 reads 3 + 3 = 6 values, not 12; with stride 2, 3 + 3 x 2 = 9.
TEST(AccelEvaluate, SlidingWindowRefillsOnlyNewColumns) {
  const ArchSpec arch = small_arch();
  const Mapping mapping = mapping_of({{{Dim::S, 3}}, {{Dim::Q, 4}}, {}});
  const EvalResult unit = evaluate(arch, layer_of({1, 1, 1, 1, 1, 3, 1, 4}), mapping);
  ASSERT_TRUE(unit.ok) << unit.reason;
  EXPECT_EQ(unit.levels[0].writes[kI], 6);
  const EvalResult strided = evaluate(arch, layer_of({1, 1, 1, 1, 1, 3, 1, 4}, 2), mapping);
  ASSERT_TRUE(strided.ok) << strided.reason;
  EXPECT_EQ(strided.levels[0].writes[kI], 9);
}

TEST(AccelEvaluate, RefusesWithAReasonInsteadOfThrowing) {
  ArchSpec arch = small_arch();
  const Layer layer = layer_of({2, 1, 4, 8, 1, 1, 1, 1});
  const EvalResult short_k = evaluate(arch, layer, mapping_of({{{Dim::N, 2}, {Dim::C, 8}}, {}, {{Dim::K, 3}}}));
  EXPECT_FALSE(short_k.ok);
  EXPECT_NE(short_k.reason.find("factors of K multiply to 3"), std::string::npos) << short_k.reason;
  const EvalResult levels = evaluate(arch, layer, mapping_of({{{Dim::N, 2}}}));
  EXPECT_FALSE(levels.ok);
  EXPECT_NE(levels.reason.find("levels of loops"), std::string::npos) << levels.reason;
  arch.levels[0].size_bytes = 16;  // the 8 weights, 16 inputs and 2 outputs need 52 bytes
  const EvalResult full = evaluate(arch, layer, mapping_of({{{Dim::N, 2}, {Dim::C, 8}}, {}, {{Dim::K, 4}}}));
  EXPECT_FALSE(full.ok);
  EXPECT_NE(full.reason.find("level 'rf': the tiles need 52 bytes"), std::string::npos) << full.reason;
}

// Bandwidth: a buffer that reads one word per cycle holds back a layer whose operands
// need more, and the DRAM time enters the total latency only.
TEST(AccelEvaluate, BandwidthStallsAndDramOverlap) {
  ArchSpec arch = small_arch();
  arch.levels[1].read_bandwidth = 0.5;
  arch.dram.bandwidth_gb_per_s = 0.2;  // 2 bytes per cycle at 100 MHz
  arch.dram.overlap = 0.5;
  const Layer layer = layer_of({2, 1, 4, 8, 1, 1, 1, 1});
  const EvalResult r = evaluate(arch, layer, mapping_of({{{Dim::N, 2}, {Dim::C, 8}}, {}, {{Dim::K, 4}}}));
  ASSERT_TRUE(r.ok) << r.reason;
  // Weights 32 and inputs 16 down, outputs 8 up: 112 cycles for 64 MACs.
  EXPECT_EQ(r.levels[1].cycles, (32 + 16 + 8) / 0.5);
  EXPECT_EQ(r.levels[1].stall_cycles, 48);
  EXPECT_EQ(r.processing_cycles, 112);
  EXPECT_DOUBLE_EQ(r.dram_cycles, 56);  // 112 bytes
  EXPECT_DOUBLE_EQ(r.total_cycles, 112 + 0.5 * 56);
  EXPECT_NEAR(r.utilization, 64.0 / (112 * 4), 1e-12);
}

// Run-length compression: three (5-bit run, 16-bit value) pairs per 64-bit word, so a
// dense 16-bit value takes 64 / 3 bits and half zeros halve that.
TEST(AccelEvaluate, RunLengthCompressionAndZeroGating) {
  ArchSpec arch = small_arch();
  arch.dram.compressed = {false, true, false};
  arch.zero_gating = true;
  Layer layer = layer_of({2, 1, 4, 8, 1, 1, 1, 1});
  layer.input_zero_fraction = 0.5;
  const EvalResult r = evaluate(arch, layer, mapping_of({{{Dim::N, 2}, {Dim::C, 8}}, {}, {{Dim::K, 4}}}));
  ASSERT_TRUE(r.ok) << r.reason;
  EXPECT_NEAR(r.dram_bytes, (32 + 8) * 2 + 16 * 0.5 * (64.0 / 3) / 8, 1e-9);
  EXPECT_EQ(r.mac_energy_pj, 32);
  EXPECT_EQ(r.levels[0].reads[kW], 32);
  EXPECT_EQ(r.levels[0].reads[kI], 64);  // the zero itself is still read
}

}  // namespace
}  // namespace vigil::accel

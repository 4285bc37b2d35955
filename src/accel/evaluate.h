// SPDX-License-Identifier: Apache-2.0
// The analytical model: what one layer costs on one architecture under one mapping.
// Accesses follow Timeloop's reuse analysis: a tile held at a level is refilled whenever
// a loop above it advances, except across the innermost loops that do not index the
// operand (stationarity); a sliding-window input refills only its new rows or columns;
// data the array shares is read once and multicast, and partial sums the array reduces
// are written once. Time is the larger of the compute cycles and every level's
// bandwidth-limited cycles, plus the fill of tiles loaded before each processing pass
// and, on a systolic array, the wavefront's fill and drain each time the operand its PEs
// keep changes; DRAM is hidden in the processing latency and counted in the total latency.
// evaluate() never throws: a mapping that cannot run gives ok = false and a reason.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "accel/arch_spec.h"
#include "accel/mapping.h"
#include "accel/problem.h"

namespace vigil::accel {

struct LevelStats {
  std::array<double, kDataSpaceCount> reads = {0, 0, 0};       // words, all instances
  std::array<double, kDataSpaceCount> writes = {0, 0, 0};      // words, all instances
  std::array<double, kDataSpaceCount> tile_words = {0, 0, 0};  // per instance
  double occupancy_bytes = 0;                                  // per instance
  double energy_pj = 0;
  double cycles = 0;        // bandwidth-limited cycles of this level
  double stall_cycles = 0;  // beyond the compute cycles
};

struct EvalResult {
  bool ok = false;
  std::string reason;  // why the mapping cannot run, when !ok

  double macs = 0;               // of the layer
  double compute_cycles = 0;     // per PE, padded iterations included
  double ramp_cycles = 0;        // filling tiles before each pass, systolic fill and drain
  double processing_cycles = 0;  // DRAM hidden
  double total_cycles = 0;       // DRAM included
  double passes = 0;             // iterations of the loops above the array
  int64_t active_pes = 0;
  double utilization = 0;          // MACs / (processing cycles x PEs x MACs per PE)
  std::vector<LevelStats> levels;  // on-chip levels, innermost first, then DRAM (level_name)
  double noc_words = 0;            // delivered to PEs (a multicast counts every destination)
  double noc_energy_pj = 0;
  double noc_cycles = 0;
  double mac_energy_pj = 0;
  double static_energy_pj = 0;  // static power over the total latency
  double dram_bytes = 0;        // after compression
  double dram_energy_pj = 0;
  double dram_cycles = 0;
  double energy_pj = 0;       // everything, DRAM included
  double chip_energy_pj = 0;  // without DRAM

  double processing_latency_ms = 0;
  double total_latency_ms = 0;
  double energy_mj() const { return energy_pj * 1e-9; }
  // Chip power over the processing latency, as a chip's power is measured (DRAM apart).
  double power_mw = 0;
};

EvalResult evaluate(const ArchSpec& arch, const Layer& layer, const Mapping& mapping);
// The same into an existing result, reusing its storage: the mapper's inner loop, which
// then allocates nothing.
void evaluate_into(const ArchSpec& arch, const Layer& layer, const Mapping& mapping, EvalResult& result);

// The name of EvalResult::levels[level]: the memory level's, or "dram" for the last.
const std::string& level_name(const ArchSpec& arch, size_t level);
// The index of the level called `name` (the memory levels', then "dram"), or -1.
int level_index(const ArchSpec& arch, const std::string& name);
// "ifmap_spad, psum_spad, weights_spad, glb, dram", for messages.
std::string level_names(const ArchSpec& arch);

}  // namespace vigil::accel

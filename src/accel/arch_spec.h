// SPDX-License-Identifier: Apache-2.0
// The accelerator an estimate is for, as a plain value read from YAML: the PE array, a
// memory hierarchy of any depth (innermost first; the levels private to each PE come
// before the shared ones), the network that carries data from the shared levels into the
// array, the clock, and DRAM. The evaluator (evaluate.h) reads it and never changes it.
// docs/predict.md describes the YAML fields; every bad field is one error line naming the
// file and the field.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "accel/problem.h"

namespace vigil::accel {

struct MemoryLevel {
  std::string name;
  bool per_pe = false;     // one instance in every PE, or one shared instance
  int64_t size_bytes = 0;  // capacity of one instance, all operands together
  // Capacity per operand when the level is split into separate buffers (Eyeriss's
  // scratchpads); 0 = no separate limit.
  std::array<int64_t, kDataSpaceCount> partition_bytes = {0, 0, 0};
  int word_bits = 16;
  double read_bandwidth = 0;                                     // words per cycle per instance; 0 = unlimited
  double write_bandwidth = 0;                                    // words per cycle per instance; 0 = unlimited
  double read_energy_pj = 0;                                     // per word
  double write_energy_pj = 0;                                    // per word
  std::array<bool, kDataSpaceCount> holds = {true, true, true};  // false: the operand bypasses it
  // Tiles are loaded before a processing pass starts (no double buffering), so the
  // time to fill them is paid once per pass.
  bool fill_before_pass = false;
};

struct NocSpec {
  double unicast_bandwidth = 0;    // words per cycle into the array; 0 = unlimited
  double multicast_bandwidth = 0;  // words per cycle, each reaching many PEs at once
  double energy_per_hop_pj = 0;    // per word per destination PE (one hop off the bus)
};

struct DramSpec {
  double bandwidth_gb_per_s = 0;  // 0 = unlimited
  double energy_pj_per_bit = 0;
  // The fraction of the DRAM transfer time hidden behind processing when DRAM is not
  // the bottleneck (1: fully overlapped; Eyeriss stops to load and dump some data).
  double overlap = 1;
  // Run-length compression of the operands listed (zeros become short run fields).
  std::array<bool, kDataSpaceCount> compressed = {false, false, false};
  int rlc_run_bits = 5;
  int rlc_level_bits = 16;
  int rlc_word_bits = 64;
};

struct ArchSpec {
  std::string name;
  std::string path;  // the file it was read from, for messages
  int64_t pe_rows = 1, pe_cols = 1;
  int64_t macs_per_pe = 1;  // per cycle
  int precision_bits = 16;
  double clock_mhz = 1000;
  double mac_energy_pj = 0;
  double static_power_mw = 0;  // leakage and clock tree, paid for the whole run
  // Zero gating: a zero input skips the MAC and the reads of its weight and partial sum.
  bool zero_gating = false;
  // Operands hop from PE to PE (a systolic array): each time the operand the PEs keep
  // changes, loading it and the wavefront's fill and drain cost 2 x rows + cols - 2
  // cycles (SCALE-Sim's per-fold term).
  bool systolic = false;
  std::vector<MemoryLevel> levels;  // innermost first, DRAM excluded
  NocSpec noc;
  DramSpec dram;

  int64_t pe_count() const { return pe_rows * pe_cols; }
  // The index of the first shared level: spatial loops sit just below it. Levels below
  // it are per PE.
  int array_level() const;
};

// Reads and checks a spec; a bad-input Error "FILE: FIELD: what is wrong" otherwise.
ArchSpec load_arch_spec(const std::string& path);
ArchSpec parse_arch_spec(const std::string& yaml_text, const std::string& path);

}  // namespace vigil::accel

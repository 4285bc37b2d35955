// SPDX-License-Identifier: Apache-2.0
// What `vigil dse` sweeps: a base architecture spec and lists of values for some of its
// fields, read from YAML. The design points are the cartesian product of the lists,
// numbered with the last parameter varying fastest; point_arch() is the base spec with
// one point's values written in. The area proxy ranks designs by silicon cost: a figure
// to compare points of one sweep, not a layout.
//   arch: eyeriss.yaml                      # relative to the sweep file
//   parameters:
//     pe_array.rows: [8, 12, 16]
//     memory.glb.size_bytes: {from: 55296, to: 221184, factor: 2}
//     dram.bandwidth_gb_per_s: {from: 0.5, to: 2, step: 0.5}
//   area: {mac_mm2: 0.02, sram_mm2_per_kib: 0.02, dram_mm2_per_gb_per_s: 0.5}
// docs/predict.md lists the fields a sweep may vary. Every bad field is one bad-input
// Error naming the file and the field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "accel/arch_spec.h"

namespace vigil::accel {

enum class SweepField {
  PeRows,
  PeCols,
  MacsPerPe,
  ClockMhz,
  LevelSizeBytes,
  LevelReadBandwidth,
  LevelWriteBandwidth,
  NocUnicastBandwidth,
  NocMulticastBandwidth,
  DramBandwidth,
};

struct SweepParameter {
  std::string name;  // as written: "pe_array.rows", "memory.glb.size_bytes"
  SweepField field = SweepField::PeRows;
  int level = -1;  // the memory level, for the Level* fields
  std::vector<double> values;
};

// area = PEs x macs_per_pe x mac_mm2 + on-chip bytes / 1024 x sram_mm2_per_kib
//        + DRAM GB/s x dram_mm2_per_gb_per_s
// where on-chip bytes count a per-PE level once per PE. The defaults are round figures
// for a 65 nm-class chip (Eyeriss's 12 x 14 array comes to about 7.5 mm2), not fitted.
struct AreaModel {
  double mac_mm2 = 0.02;               // a MAC unit with its share of control
  double sram_mm2_per_kib = 0.02;      // any on-chip buffer, scratchpads included
  double dram_mm2_per_gb_per_s = 0.5;  // the DRAM interface (PHY), which grows with bandwidth
};

struct SweepSpec {
  std::string path;
  ArchSpec base;
  std::vector<SweepParameter> parameters;  // in the file's order
  AreaModel area;
};

// `path` names the file in messages and is where a relative `arch:` is looked up from.
SweepSpec parse_sweep_spec(const std::string& yaml_text, const std::string& path);
SweepSpec load_sweep_spec(const std::string& path);

int64_t point_count(const SweepSpec& sweep);
// The values of point `index` (0 <= index < point_count), one per parameter.
std::vector<double> point_values(const SweepSpec& sweep, int64_t index);
// The base spec with `values` (one per parameter, as point_values gives) written in.
ArchSpec point_arch(const SweepSpec& sweep, const std::vector<double>& values);

double area_mm2(const ArchSpec& arch, const AreaModel& model);

}  // namespace vigil::accel

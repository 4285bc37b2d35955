// SPDX-License-Identifier: Apache-2.0
// The analytical model (evaluate.h). Levels are indexed innermost first; index
// `levels.size()` is DRAM, which holds every operand. A = arch.array_level(): levels
// below A are private to each PE, and the spatial loops sit between A - 1 and A.
#include "accel/evaluate.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <type_traits>

namespace vigil::accel {

namespace {

constexpr int kMaxLevels = 8;  // six on-chip levels (arch_spec.cc checks) and DRAM

struct Context {
  const ArchSpec& arch;
  const Layer& layer;
  const Mapping& mapping;
  int dram = 0;                               // index of DRAM
  int array = 0;                              // A
  std::array<DimArray, kMaxLevels> extent{};  // iterations of each dimension at and below a level
  DimArray spatial{};                         // iterations of each dimension across the array
};

bool holds(const Context& c, int level, DataSpace space) {
  return level == c.dram || c.arch.levels[level].holds[static_cast<int>(space)];
}

// The next level above `level` that holds the operand (DRAM at the latest).
int parent_of(const Context& c, int level, DataSpace space) {
  int parent = level + 1;
  while (!holds(c, parent, space)) ++parent;
  return parent;
}

double tile(const Context& c, DataSpace space, const DimArray& extent) {
  return static_cast<double>(tile_elements(c.layer, space, extent));
}

// How many times the tile at `level` is filled, as a multiple of the tile: loops above
// the level advance it, except the innermost ones that do not index the operand; an
// input tile slid along P or Q by its innermost relevant loop refills only the new rows
// or columns.
double refills(const Context& c, int level, DataSpace space) {
  double count = 1;
  bool reusing = true;  // still among the innermost loops that leave the tile in place
  for (int above = level + 1; above <= c.dram; ++above) {
    const std::vector<Loop>& loops = c.mapping.temporal[above];
    for (auto loop = loops.rbegin(); loop != loops.rend(); ++loop) {
      if (loop->factor == 1) continue;
      if (reusing && !is_relevant(space, loop->dim)) continue;
      if (reusing && space == DataSpace::Inputs && (loop->dim == Dim::P || loop->dim == Dim::Q)) {
        const DimArray& e = c.extent[level];
        const bool rows = loop->dim == Dim::P;
        const int64_t out = e[static_cast<int>(rows ? Dim::P : Dim::Q)];
        const int64_t window = e[static_cast<int>(rows ? Dim::R : Dim::S)];
        const int64_t stride = rows ? c.layer.stride_h : c.layer.stride_w;
        const double span = static_cast<double>((out - 1) * stride + window);
        const double fresh = std::min(span, static_cast<double>(out * stride)) / span;
        count *= 1 + (loop->factor - 1) * fresh;
      } else {
        count *= static_cast<double>(loop->factor);
      }
      reusing = false;
    }
  }
  return count;
}

// How often a systolic array restarts its wavefront: whenever the operand its PEs keep
// changes, i.e. the least refilled operand of the levels private to a PE (every pass
// when there are none).
double systolic_restarts(const Context& c, double passes) {
  double restarts = passes;
  for (int level = 0; level < c.array; ++level) {
    for (DataSpace space : kAllDataSpaces) {
      if (holds(c, level, space)) restarts = std::min(restarts, refills(c, level, space));
    }
  }
  return restarts;
}

// Appends the pieces to `out` without temporaries, so that the mapper's millions of
// refusals reuse the reason's storage.
void put(std::string&) {}
template <class T, class... Rest>
void put(std::string& out, const T& first, const Rest&... rest) {
  if constexpr (std::is_integral_v<T>) {
    char digits[24];
    out.append(digits, std::to_chars(digits, digits + sizeof digits, first).ptr);
  } else {
    out.append(first);
  }
  put(out, rest...);
}

template <class... Args>
void refuse(EvalResult& result, const Args&... args) {
  result.reason.clear();
  put(result.reason, args...);
}

bool check_factors(const Context& c, EvalResult& result) {
  const size_t expected = c.arch.levels.size() + 1;
  if (c.mapping.temporal.size() != expected) {
    refuse(result, "the mapping has ", c.mapping.temporal.size(), " levels of loops, the architecture ", expected,
           " (memory levels and DRAM)");
    return false;
  }
  DimArray covered{};
  covered.fill(1);
  auto add = [&](const std::vector<Loop>& loops) {
    for (const Loop& loop : loops) {
      int64_t& product = covered[static_cast<int>(loop.dim)];
      if (loop.factor < 1 || __builtin_mul_overflow(product, loop.factor, &product) || product > (int64_t{1} << 40)) {
        refuse(result, "the factors of ", dim_name(loop.dim), " are below 1 or multiply beyond 2^40");
        return false;
      }
    }
    return true;
  };
  for (const auto& loops : c.mapping.temporal) {
    if (!add(loops)) return false;
  }
  if (!add(c.mapping.spatial_rows) || !add(c.mapping.spatial_cols)) return false;
  for (Dim dim : kAllDims) {
    if (covered[static_cast<int>(dim)] < c.layer.size(dim)) {
      refuse(result, "the factors of ", dim_name(dim), " multiply to ", covered[static_cast<int>(dim)],
             ", below the layer's ", c.layer.size(dim));
      return false;
    }
  }
  const int64_t rows = loops_product(c.mapping.spatial_rows), cols = loops_product(c.mapping.spatial_cols);
  // Columns beyond the array fold onto further rows (Eyeriss's CONV2 27-wide PE set).
  const int64_t folds = (cols + c.arch.pe_cols - 1) / c.arch.pe_cols;
  if (rows > c.arch.pe_rows || rows * folds > c.arch.pe_rows) {
    refuse(result, "the spatial loops need ", rows, "x", cols, " PEs, the array is ", c.arch.pe_rows, "x",
           c.arch.pe_cols);
    return false;
  }
  return true;
}

void compute_extents(Context& c) {
  DimArray running{};
  running.fill(1);
  c.spatial.fill(1);
  for (const auto* loops : {&c.mapping.spatial_rows, &c.mapping.spatial_cols}) {
    for (const Loop& loop : *loops) c.spatial[static_cast<int>(loop.dim)] *= loop.factor;
  }
  for (int level = 0; level <= c.dram; ++level) {
    if (level == c.array) {
      for (int d = 0; d < kDimCount; ++d) running[d] *= c.spatial[d];
    }
    for (const Loop& loop : c.mapping.temporal[level]) running[static_cast<int>(loop.dim)] *= loop.factor;
    c.extent[level] = running;
  }
}

// Bytes per value in DRAM after run-length compression: pairs of (run of zeros, value)
// packed into words; zeros only lengthen runs. Runs longer than the run field allows are
// rare below 90% zeros and are not counted.
double compressed_fraction(const ArchSpec& arch, double zero_fraction) {
  const DramSpec& d = arch.dram;
  const int pairs_per_word = (d.rlc_word_bits - 1) / (d.rlc_run_bits + d.rlc_level_bits);
  const double bits_per_value = static_cast<double>(d.rlc_word_bits) / pairs_per_word;
  return (1 - zero_fraction) * bits_per_value / arch.precision_bits;
}

}  // namespace

EvalResult evaluate(const ArchSpec& arch, const Layer& layer, const Mapping& mapping) {
  EvalResult result;
  evaluate_into(arch, layer, mapping, result);
  return result;
}

void evaluate_into(const ArchSpec& arch, const Layer& layer, const Mapping& mapping, EvalResult& result) {
  {
    // A fresh result that keeps the storage of the old one.
    std::string reason = std::move(result.reason);
    std::vector<LevelStats> levels = std::move(result.levels);
    reason.clear();
    levels.clear();
    result = EvalResult{};
    result.reason = std::move(reason);
    result.levels = std::move(levels);
  }
  Context c{arch, layer, mapping};
  c.dram = static_cast<int>(arch.levels.size());
  c.array = arch.array_level();
  if (c.dram + 1 > kMaxLevels) {
    refuse(result, "more memory levels than the model supports");
    return;
  }
  if (!check_factors(c, result)) return;
  compute_extents(c);
  result.macs = static_cast<double>(layer.macs());
  result.active_pes = loops_product(mapping.spatial_rows) * loops_product(mapping.spatial_cols);
  const double pes = static_cast<double>(result.active_pes);
  auto instances = [&](int level) { return level < c.array ? pes : 1.0; };

  // Occupancy of every on-chip level, before anything is allocated: most candidates
  // of a search stop here.
  std::array<std::array<double, kDataSpaceCount>, kMaxLevels> tile_words{};
  std::array<double, kMaxLevels> occupancy{};
  for (int level = 0; level < c.dram; ++level) {
    const MemoryLevel& spec = arch.levels[level];
    const double word_bytes = spec.word_bits / 8.0;
    for (DataSpace space : kAllDataSpaces) {
      if (!holds(c, level, space)) continue;
      const int s = static_cast<int>(space);
      tile_words[level][s] = tile(c, space, c.extent[level]);
      const double bytes = tile_words[level][s] * word_bytes;
      occupancy[level] += bytes;
      if (spec.partition_bytes[s] > 0 && bytes > static_cast<double>(spec.partition_bytes[s])) {
        refuse(result, "level '", spec.name, "': the ", data_space_name(space), " tile needs ",
               static_cast<int64_t>(bytes), " bytes, its buffer holds ", spec.partition_bytes[s]);
        return;
      }
    }
    if (occupancy[level] > static_cast<double>(spec.size_bytes)) {
      refuse(result, "level '", spec.name, "': the tiles need ", static_cast<int64_t>(occupancy[level]), " bytes (");
      const char* separator = "";
      for (DataSpace space : kAllDataSpaces) {
        if (!holds(c, level, space)) continue;
        put(result.reason, separator, data_space_name(space), " ",
            static_cast<int64_t>(tile_words[level][static_cast<int>(space)] * word_bytes));
        separator = ", ";
      }
      put(result.reason, "), it holds ", spec.size_bytes);
      return;
    }
  }
  result.levels.resize(c.dram + 1);
  for (int level = 0; level < c.dram; ++level) {
    result.levels[level].tile_words = tile_words[level];
    result.levels[level].occupancy_bytes = occupancy[level];
  }

  // Traffic between each holder and the next holder above it.
  const double gate = arch.zero_gating ? 1 - layer.input_zero_fraction : 1;
  double multicast_words = 0, unicast_words = 0;
  for (DataSpace space : kAllDataSpaces) {
    const int s = static_cast<int>(space);
    for (int level = 0; level < c.dram; ++level) {
      if (!holds(c, level, space)) continue;
      const int parent = parent_of(c, level, space);
      const double times = refills(c, level, space);
      const double own = tile(c, space, c.extent[level]) * times * instances(level);
      // Crossing into the array: one read serves every PE that needs the same data, and
      // partial sums reduced across PEs arrive once.
      const bool crossing = level < c.array && parent >= c.array;
      double shared = own;
      if (crossing) {
        DimArray across = c.extent[level];
        for (int d = 0; d < kDimCount; ++d) across[d] *= c.spatial[d];
        shared = tile(c, space, across) * times;
        result.noc_words += own;
        (own > shared ? multicast_words : unicast_words) += shared;
      }
      LevelStats& here = result.levels[level];
      LevelStats& up = result.levels[parent];
      if (space != DataSpace::Outputs) {
        here.writes[s] += own;
        up.reads[s] += shared;
        continue;
      }
      here.reads[s] += own;  // read out to drain upwards
      up.writes[s] += shared;
      // Partial sums come back down for further accumulation, except the first time
      // each output reaches the parent.
      const double first = parent == c.dram
                               ? static_cast<double>(layer.elements(space))
                               : tile(c, space, c.extent[parent]) * refills(c, parent, space) * instances(parent);
      const double back = std::max(0.0, shared - first);
      up.reads[s] += back;
      here.writes[s] += back;
    }
    // The operands of every MAC come from the innermost level holding them. From a
    // shared level, one read serves the PEs that need the same word (a systolic row
    // passes its input along), and the partial sums of PEs reducing into one output
    // arrive as one.
    int innermost = 0;
    while (!holds(c, innermost, space)) ++innermost;
    const double per_mac = result.macs * (space == DataSpace::Inputs ? 1 : gate);
    double sharing = 1;
    if (innermost >= c.array) {
      for (Dim dim : kAllDims) {
        if (!is_relevant(space, dim)) sharing *= static_cast<double>(c.spatial[static_cast<int>(dim)]);
      }
      result.noc_words += per_mac;
      (sharing > 1 ? multicast_words : unicast_words) += per_mac / sharing;
    }
    result.levels[innermost].reads[s] += per_mac / sharing;
    if (space == DataSpace::Outputs) result.levels[innermost].writes[s] += per_mac / sharing;
  }

  // Energy.
  for (int level = 0; level < c.dram; ++level) {
    const MemoryLevel& spec = arch.levels[level];
    LevelStats& stats = result.levels[level];
    for (int s = 0; s < kDataSpaceCount; ++s) {
      stats.energy_pj += stats.reads[s] * spec.read_energy_pj + stats.writes[s] * spec.write_energy_pj;
    }
  }
  LevelStats& dram = result.levels[c.dram];
  const double value_bytes = arch.precision_bits / 8.0;
  for (DataSpace space : kAllDataSpaces) {
    const int s = static_cast<int>(space);
    double fraction = 1;
    if (arch.dram.compressed[s]) {
      const double zeros = space == DataSpace::Inputs    ? layer.input_zero_fraction
                           : space == DataSpace::Outputs ? layer.output_zero_fraction
                                                         : 0.0;
      fraction = compressed_fraction(arch, zeros);
    }
    result.dram_bytes += (dram.reads[s] + dram.writes[s]) * value_bytes * fraction;
  }
  result.dram_energy_pj = result.dram_bytes * 8 * arch.dram.energy_pj_per_bit;
  dram.energy_pj = result.dram_energy_pj;
  result.noc_energy_pj = result.noc_words * arch.noc.energy_per_hop_pj;
  result.mac_energy_pj = result.macs * gate * arch.mac_energy_pj;

  // Time.
  double padded = 1;
  for (const auto& loops : mapping.temporal) padded *= static_cast<double>(loops_product(loops));
  result.compute_cycles = padded / static_cast<double>(arch.macs_per_pe);
  double busiest = result.compute_cycles;
  for (int level = 0; level < c.dram; ++level) {
    const MemoryLevel& spec = arch.levels[level];
    LevelStats& stats = result.levels[level];
    double reads = 0, writes = 0;
    for (int s = 0; s < kDataSpaceCount; ++s) {
      reads += stats.reads[s];
      writes += stats.writes[s];
    }
    const double n = instances(level);
    stats.cycles = std::max(spec.read_bandwidth > 0 ? reads / n / spec.read_bandwidth : 0.0,
                            spec.write_bandwidth > 0 ? writes / n / spec.write_bandwidth : 0.0);
    stats.stall_cycles = std::max(0.0, stats.cycles - result.compute_cycles);
    busiest = std::max(busiest, stats.cycles);
  }
  result.noc_cycles = (arch.noc.multicast_bandwidth > 0 ? multicast_words / arch.noc.multicast_bandwidth : 0.0) +
                      (arch.noc.unicast_bandwidth > 0 ? unicast_words / arch.noc.unicast_bandwidth : 0.0);
  busiest = std::max(busiest, result.noc_cycles);

  result.passes = 1;
  for (int level = c.array; level <= c.dram; ++level) {
    result.passes *= static_cast<double>(loops_product(mapping.temporal[level]));
  }
  double fill = 0;
  for (int level = 0; level < c.array; ++level) {
    const MemoryLevel& spec = arch.levels[level];
    if (!spec.fill_before_pass || spec.write_bandwidth <= 0) continue;
    for (int s = 0; s < kDataSpaceCount; ++s) fill += result.levels[level].tile_words[s] / spec.write_bandwidth;
  }
  result.ramp_cycles = result.passes * fill;
  if (arch.systolic) {
    const double skew = static_cast<double>(2 * arch.pe_rows + arch.pe_cols - 2);
    result.ramp_cycles += systolic_restarts(c, result.passes) * skew;
  }
  result.processing_cycles = busiest + result.ramp_cycles;

  const double clock_hz = arch.clock_mhz * 1e6;
  result.dram_cycles =
      arch.dram.bandwidth_gb_per_s > 0 ? result.dram_bytes / (arch.dram.bandwidth_gb_per_s * 1e9) * clock_hz : 0;
  result.total_cycles = std::max(result.processing_cycles, result.dram_cycles) +
                        (1 - arch.dram.overlap) * std::min(result.processing_cycles, result.dram_cycles);
  dram.cycles = result.dram_cycles;
  dram.stall_cycles = result.total_cycles - result.processing_cycles;

  result.processing_latency_ms = result.processing_cycles / clock_hz * 1e3;
  result.total_latency_ms = result.total_cycles / clock_hz * 1e3;
  result.utilization =
      result.macs / (result.processing_cycles * static_cast<double>(arch.pe_count() * arch.macs_per_pe));

  double dynamic = result.mac_energy_pj + result.noc_energy_pj;
  for (int level = 0; level < c.dram; ++level) dynamic += result.levels[level].energy_pj;
  result.static_energy_pj = arch.static_power_mw * 1e-3 * result.total_latency_ms * 1e-3 * 1e12;
  result.chip_energy_pj = dynamic + result.static_energy_pj;
  result.energy_pj = result.chip_energy_pj + result.dram_energy_pj;
  result.power_mw = dynamic * 1e-12 / (result.processing_latency_ms * 1e-3) * 1e3 + arch.static_power_mw;
  result.ok = true;
}

const std::string& level_name(const ArchSpec& arch, size_t level) {
  static const std::string dram = "dram";
  return level < arch.levels.size() ? arch.levels[level].name : dram;
}

int level_index(const ArchSpec& arch, const std::string& name) {
  for (size_t level = 0; level <= arch.levels.size(); ++level) {
    if (level_name(arch, level) == name) return static_cast<int>(level);
  }
  return -1;
}

std::string level_names(const ArchSpec& arch) {
  std::string names;
  for (size_t level = 0; level <= arch.levels.size(); ++level) names += (level ? ", " : "") + level_name(arch, level);
  return names;
}

}  // namespace vigil::accel

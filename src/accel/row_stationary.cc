// SPDX-License-Identifier: Apache-2.0
// The row-stationary template (row_stationary.h).
#include "accel/row_stationary.h"

#include <algorithm>

#include "core/error.h"

namespace vigil::accel {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Words of the operand one PE can hold: its partition in the innermost per-PE level
// holding it, or that level's whole size.
int64_t pe_capacity_words(const ArchSpec& arch, DataSpace space) {
  const int s = static_cast<int>(space);
  for (int level = 0; level < arch.array_level(); ++level) {
    const MemoryLevel& spec = arch.levels[level];
    if (!spec.holds[s]) continue;
    // Operands sharing an unpartitioned level share its capacity.
    const int64_t sharing = spec.holds[0] + spec.holds[1] + spec.holds[2];
    const int64_t bytes = spec.partition_bytes[s] > 0 ? spec.partition_bytes[s] : spec.size_bytes / sharing;
    return std::max<int64_t>(1, bytes * 8 / spec.word_bits);
  }
  return 1;
}

// The innermost per-PE level at or above `from` that holds the operand, else the last
// per-PE level.
int per_pe_level(const ArchSpec& arch, DataSpace space, int from) {
  for (int level = from; level < arch.array_level(); ++level) {
    if (arch.levels[level].holds[static_cast<int>(space)]) return level;
  }
  return arch.array_level() - 1;
}

void add_loop(std::vector<Loop>& loops, Dim dim, int64_t factor) {
  if (factor > 1) loops.push_back({dim, factor});
}

}  // namespace

RowStationaryParams row_stationary_params(const ArchSpec& arch, const Layer& layer) {
  RowStationaryParams params;
  if (!layer.dataflow_params.empty()) {
    for (const auto& [key, value] : layer.dataflow_params) {
      int64_t* slot = key == "m"   ? &params.m
                      : key == "n" ? &params.n
                      : key == "e" ? &params.e
                      : key == "p" ? &params.p
                      : key == "q" ? &params.q
                      : key == "r" ? &params.r
                      : key == "t" ? &params.t
                                   : nullptr;
      check_input(slot != nullptr, "layer '", layer.name, "': row_stationary parameter '", key,
                  "' is unknown (m, n, e, p, q, r, t)");
      check_input(value >= 1, "layer '", layer.name, "': row_stationary parameter ", key, " must be at least 1");
      *slot = value;
    }
    return params;
  }
  const int64_t R = layer.size(Dim::R), S = layer.size(Dim::S);
  params.e = std::min(layer.size(Dim::P), arch.pe_cols * std::max<int64_t>(1, arch.pe_rows / R));
  const int64_t rows_per_set = R * ceil_div(params.e, arch.pe_cols);
  const int64_t sets_on_rows = arch.pe_rows / std::max<int64_t>(1, rows_per_set);
  const int64_t sets_on_cols = params.e <= arch.pe_cols ? arch.pe_cols / params.e : 1;
  // Sets beyond the array's columns fold onto further rows like a wide set does.
  params.t = std::min(layer.size(Dim::K), std::max<int64_t>(1, sets_on_rows * sets_on_cols));
  params.q = std::clamp<int64_t>(pe_capacity_words(arch, DataSpace::Inputs) / S, 1, layer.size(Dim::C));
  params.p = std::min({ceil_div(layer.size(Dim::K), params.t), pe_capacity_words(arch, DataSpace::Outputs),
                       std::max<int64_t>(1, pe_capacity_words(arch, DataSpace::Weights) / (params.q * S))});
  params.p = std::max<int64_t>(1, params.p);
  params.m = params.p * params.t;
  return params;
}

Mapping row_stationary_mapping(const ArchSpec& arch, const Layer& layer, const RowStationaryParams& params) {
  check_input(arch.array_level() > 0, arch.path,
              ": memory: the row_stationary dataflow needs a level private to each PE (per_pe: true)");
  Mapping mapping;
  mapping.dataflow = "row_stationary";
  mapping.temporal.resize(arch.levels.size() + 1);

  const int inner = per_pe_level(arch, DataSpace::Inputs, 0);
  const int middle = std::max(inner, per_pe_level(arch, DataSpace::Outputs, inner));
  const int outer = arch.array_level() - 1;
  // Loops listed outermost first at each level; the outer group goes in first so that
  // the groups below it end up innermost when they share its level.
  add_loop(mapping.temporal[outer], Dim::N, params.n);
  add_loop(mapping.temporal[outer], Dim::Q, layer.size(Dim::Q));
  add_loop(mapping.temporal[middle], Dim::K, params.p);
  add_loop(mapping.temporal[inner], Dim::C, params.q);
  add_loop(mapping.temporal[inner], Dim::S, layer.size(Dim::S));

  mapping.spatial_rows.push_back({Dim::R, layer.size(Dim::R)});
  add_loop(mapping.spatial_cols, Dim::P, params.e);
  const int64_t folds = ceil_div(params.e, arch.pe_cols);
  auto& sets =
      layer.size(Dim::R) * params.r * params.t * folds <= arch.pe_rows ? mapping.spatial_rows : mapping.spatial_cols;
  add_loop(sets, Dim::C, params.r);
  add_loop(sets, Dim::K, params.t);

  const int glb = arch.array_level();
  const int dram = static_cast<int>(arch.levels.size());
  const int64_t filters_per_pass = params.p * params.t;
  add_loop(mapping.temporal[glb], Dim::K, ceil_div(std::min(params.m, layer.size(Dim::K)), filters_per_pass));
  const int64_t m = ceil_div(std::min(params.m, layer.size(Dim::K)), filters_per_pass) * filters_per_pass;
  add_loop(mapping.temporal[dram], Dim::N, ceil_div(layer.size(Dim::N), params.n));
  add_loop(mapping.temporal[dram], Dim::P, ceil_div(layer.size(Dim::P), params.e));
  add_loop(mapping.temporal[dram], Dim::G, layer.size(Dim::G));
  add_loop(mapping.temporal[dram], Dim::K, ceil_div(layer.size(Dim::K), m));
  add_loop(mapping.temporal[dram], Dim::C, ceil_div(layer.size(Dim::C), params.q * params.r));
  return mapping;
}

}  // namespace vigil::accel

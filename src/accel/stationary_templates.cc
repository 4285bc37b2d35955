// SPDX-License-Identifier: Apache-2.0
// The stationary and systolic templates (stationary_templates.h). The weight
// stationary template keeps R x S weights in the innermost per-PE level holding weights;
// everything else streams from the first shared level, whose innermost loops are the
// ones the stationary operand does not depend on; what does not fit there goes to DRAM.
#include "accel/stationary_templates.h"

#include <algorithm>

namespace vigil::accel {

namespace {

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

void add_loop(std::vector<Loop>& loops, Dim dim, int64_t factor) {
  if (factor > 1) loops.push_back({dim, factor});
}

// The filter window's loops: S, then R, inside the PE as far as `fit` allows; the rest
// go to `outside`.
void add_window(std::vector<Loop>& inside, std::vector<Loop>& outside, const Layer& layer, const TileBounds& fit) {
  add_loop(fit.window_dims_in_pe >= 2 ? inside : outside, Dim::R, layer.size(Dim::R));
  add_loop(fit.window_dims_in_pe >= 1 ? inside : outside, Dim::S, layer.size(Dim::S));
}

// Levels: the innermost per-PE level holding the stationary operand (the first shared
// level when there is none), the first shared level, and DRAM.
struct Slots {
  int pe, shared, dram;
};

Slots slots_of(const ArchSpec& arch, DataSpace stationary) {
  const int dram = static_cast<int>(arch.levels.size());
  const int shared = arch.array_level();
  int pe = 0;
  while (pe < shared && !arch.levels[pe].holds[static_cast<int>(stationary)]) ++pe;
  return {pe, shared, dram};
}

// The im2col rows: the split of C, R and S over the array's rows with the fewest folds,
// the most channels first among equals.
struct RowSplit {
  int64_t c = 1, r = 1, s = 1;
};

RowSplit im2col_rows(const ArchSpec& arch, const Layer& layer) {
  const int64_t C = layer.size(Dim::C), R = layer.size(Dim::R), S = layer.size(Dim::S);
  RowSplit best;
  int64_t fewest = INT64_MAX;
  for (int64_t r = 1; r <= std::min(R, arch.pe_rows); ++r) {
    for (int64_t s = 1; s <= S && r * s <= arch.pe_rows; ++s) {
      const int64_t c = std::min(C, arch.pe_rows / (r * s));
      const int64_t folds = ceil_div(C, c) * ceil_div(R, r) * ceil_div(S, s);
      if (folds < fewest) {
        fewest = folds;
        best = {c, r, s};
      }
    }
  }
  return best;
}

}  // namespace

Mapping weight_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit) {
  Mapping mapping;
  mapping.dataflow = "weight_stationary";
  mapping.temporal.resize(arch.levels.size() + 1);
  const Slots at = slots_of(arch, DataSpace::Weights);
  const int64_t k_cols = std::min(layer.size(Dim::K), arch.pe_cols);
  const int64_t c_rows = std::min(layer.size(Dim::C), arch.pe_rows);
  add_loop(mapping.spatial_cols, Dim::K, k_cols);
  add_loop(mapping.spatial_rows, Dim::C, c_rows);
  // The output plane streams innermost at the shared level so each weight stays put.
  const int64_t rows = std::clamp<int64_t>(fit.rows, 1, layer.size(Dim::P));
  const int64_t c_steps = ceil_div(layer.size(Dim::C), c_rows);
  const int64_t c_tile = std::clamp<int64_t>(ceil_div(fit.channels, c_rows), 1, c_steps);
  add_loop(mapping.temporal[at.shared], Dim::C, c_tile);
  add_window(mapping.temporal[at.pe], mapping.temporal[at.shared], layer, fit);
  add_loop(mapping.temporal[at.shared], Dim::P, rows);
  add_loop(mapping.temporal[at.shared], Dim::Q, layer.size(Dim::Q));
  add_loop(mapping.temporal[at.dram], Dim::G, layer.size(Dim::G));
  add_loop(mapping.temporal[at.dram], Dim::K, ceil_div(layer.size(Dim::K), k_cols));
  add_loop(mapping.temporal[at.dram], Dim::N, layer.size(Dim::N));
  add_loop(mapping.temporal[at.dram], Dim::P, ceil_div(layer.size(Dim::P), rows));
  add_loop(mapping.temporal[at.dram], Dim::C, ceil_div(c_steps, c_tile));
  return mapping;
}

Mapping output_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit) {
  Mapping mapping;
  mapping.dataflow = "output_stationary";
  mapping.temporal.resize(arch.levels.size() + 1);
  const Slots at = slots_of(arch, DataSpace::Outputs);
  // A layer with a small output plane (a matrix product) spreads its batch instead.
  const bool plane = layer.size(Dim::P) * layer.size(Dim::Q) > 1;
  const Dim row_dim = plane ? Dim::P : Dim::N;
  const Dim col_dim = plane ? Dim::Q : Dim::K;
  const int64_t pe_rows = std::min(layer.size(row_dim), arch.pe_rows);
  const int64_t pe_cols = std::min(layer.size(col_dim), arch.pe_cols);
  add_loop(mapping.spatial_rows, row_dim, pe_rows);
  add_loop(mapping.spatial_cols, col_dim, pe_cols);
  // The shared level holds a band of output rows of one filter and streams channels and
  // the window innermost, past outputs that stay in the PEs. DRAM walks filters
  // innermost, so the band's inputs serve every filter before the next band comes in.
  const int64_t row_steps = ceil_div(layer.size(row_dim), pe_rows);
  const int64_t band = std::clamp<int64_t>(fit.rows, 1, row_steps);
  const int64_t c_tile = std::clamp<int64_t>(fit.channels, 1, layer.size(Dim::C));
  add_loop(mapping.temporal[at.shared], row_dim, band);
  add_loop(mapping.temporal[at.shared], Dim::C, c_tile);
  add_loop(mapping.temporal[at.shared], Dim::R, layer.size(Dim::R));
  add_loop(mapping.temporal[at.shared], Dim::S, layer.size(Dim::S));
  add_loop(mapping.temporal[at.dram], Dim::G, layer.size(Dim::G));
  if (plane) add_loop(mapping.temporal[at.dram], Dim::N, layer.size(Dim::N));
  add_loop(mapping.temporal[at.dram], row_dim, ceil_div(row_steps, band));
  add_loop(mapping.temporal[at.dram], col_dim, ceil_div(layer.size(col_dim), pe_cols));
  if (plane) add_loop(mapping.temporal[at.dram], Dim::K, layer.size(Dim::K));
  add_loop(mapping.temporal[at.dram], Dim::C, ceil_div(layer.size(Dim::C), c_tile));
  return mapping;
}

Mapping input_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit) {
  Mapping mapping;
  mapping.dataflow = "input_stationary";
  mapping.temporal.resize(arch.levels.size() + 1);
  const Slots at = slots_of(arch, DataSpace::Inputs);
  // A matrix product (no output plane) spreads its rows over the columns instead.
  const Dim col_dim = layer.size(Dim::Q) > 1 ? Dim::Q : Dim::N;
  const int64_t c_rows = std::min(layer.size(Dim::C), arch.pe_rows);
  const int64_t cols = std::min(layer.size(col_dim), arch.pe_cols);
  add_loop(mapping.spatial_rows, Dim::C, c_rows);
  add_loop(mapping.spatial_cols, col_dim, cols);
  // Filters stream innermost at the shared level, past windows that stay in the PEs.
  const int64_t rows = std::clamp<int64_t>(fit.rows, 1, layer.size(Dim::P));
  const int64_t c_steps = ceil_div(layer.size(Dim::C), c_rows);
  const int64_t c_tile = std::clamp<int64_t>(ceil_div(fit.channels, c_rows), 1, c_steps);
  add_loop(mapping.temporal[at.shared], Dim::C, c_tile);
  add_loop(mapping.temporal[at.shared], Dim::P, rows);
  add_window(mapping.temporal[at.pe], mapping.temporal[at.shared], layer, fit);
  add_loop(mapping.temporal[at.shared], Dim::K, layer.size(Dim::K));
  add_loop(mapping.temporal[at.dram], Dim::G, layer.size(Dim::G));
  if (col_dim != Dim::N) add_loop(mapping.temporal[at.dram], Dim::N, layer.size(Dim::N));
  add_loop(mapping.temporal[at.dram], Dim::P, ceil_div(layer.size(Dim::P), rows));
  add_loop(mapping.temporal[at.dram], col_dim, ceil_div(layer.size(col_dim), cols));
  add_loop(mapping.temporal[at.dram], Dim::C, ceil_div(c_steps, c_tile));
  return mapping;
}

Mapping systolic_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit) {
  Mapping mapping;
  mapping.dataflow = "systolic";
  mapping.temporal.resize(arch.levels.size() + 1);
  const Slots at = slots_of(arch, DataSpace::Weights);
  const RowSplit split = im2col_rows(arch, layer);
  const int64_t k_cols = std::min(layer.size(Dim::K), arch.pe_cols);
  add_loop(mapping.spatial_rows, Dim::C, split.c);
  add_loop(mapping.spatial_rows, Dim::R, split.r);
  add_loop(mapping.spatial_rows, Dim::S, split.s);
  add_loop(mapping.spatial_cols, Dim::K, k_cols);
  // Folds: the reduction at the first shared level, where the partial sums stay, the
  // filters in DRAM, past inputs that stay on chip unless channels are left out too.
  const int64_t c_steps = ceil_div(layer.size(Dim::C), split.c);
  const int64_t c_tile = std::clamp<int64_t>(ceil_div(fit.channels, split.c), 1, c_steps);
  add_loop(mapping.temporal[at.shared], Dim::C, c_tile);
  add_loop(mapping.temporal[at.shared], Dim::R, ceil_div(layer.size(Dim::R), split.r));
  add_loop(mapping.temporal[at.shared], Dim::S, ceil_div(layer.size(Dim::S), split.s));
  // The stream: output rows of as many images as `fit` allows, past the weights.
  const int64_t rows = std::clamp<int64_t>(fit.rows, 1, layer.size(Dim::P));
  const int64_t images = std::clamp<int64_t>(fit.rows / layer.size(Dim::P), 1, layer.size(Dim::N));
  add_loop(mapping.temporal[at.pe], Dim::N, images);
  add_loop(mapping.temporal[at.pe], Dim::P, rows);
  add_loop(mapping.temporal[at.pe], Dim::Q, layer.size(Dim::Q));
  add_loop(mapping.temporal[at.dram], Dim::G, layer.size(Dim::G));
  add_loop(mapping.temporal[at.dram], Dim::N, ceil_div(layer.size(Dim::N), images));
  add_loop(mapping.temporal[at.dram], Dim::P, ceil_div(layer.size(Dim::P), rows));
  add_loop(mapping.temporal[at.dram], Dim::K, ceil_div(layer.size(Dim::K), k_cols));
  add_loop(mapping.temporal[at.dram], Dim::C, ceil_div(c_steps, c_tile));
  return mapping;
}

}  // namespace vigil::accel

// SPDX-License-Identifier: Apache-2.0
// How f32_gemm and qs8_gemm share one product's output among threads: a grid of
// rectangles_m x rectangles_n rectangles of whole MR x NR tiles, one per thread, chosen for
// the fewest tiles plus panels to pack in the largest: rectangles that share columns each
// pack those B panels, rectangles that share rows those A panels (each cost is 0 when its
// operand comes packed). The threads claim rectangles from
// the pool (core/thread_pool.h): a thread that the system has not run yet leaves its
// rectangle to one that has. Each rectangle runs the kernel's own single-threaded code.
// Finer grids (up to four rectangles per thread, where they added at most 3% to the tiles
// and panels) were slower at 2 threads on a quiet machine (resnet50 32.7-36.0 ms against
// 31.0-33.5, the transformer encoder 3.8-6.0 against 3.4) and no faster beside busy
// loops. A checked product (kernels/gemm_check.h) asks the grid first: its rectangles
// share lines of C only along the split side.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/thread_pool.h"

namespace vigil::kernels {

// The grid: rectangles_m x rectangles_n == the threads that share the product, or 1 x 1.
struct GemmThreadGrid {
  int rectangles_m = 1, rectangles_n = 1;
};
// The costs are in tiles of products per panel packed.
inline GemmThreadGrid gemm_thread_grid(int64_t m, int64_t n, int mr, int nr, int64_t b_panel_cost, int64_t a_panel_cost,
                                       int team) {
  GemmThreadGrid grid;
  if (team <= 1) return grid;
  const int64_t tiles_m = (m + mr - 1) / mr, tiles_n = (n + nr - 1) / nr;
  int64_t best = std::numeric_limits<int64_t>::max();
  for (int rm = 1; rm <= team; ++rm) {
    if (team % rm) continue;
    const int64_t columns = (tiles_n + team / rm - 1) / (team / rm), rows = (tiles_m + rm - 1) / rm;
    const int64_t largest = (rows + b_panel_cost) * columns + a_panel_cost * rows;
    if (largest < best) {
      best = largest;
      grid = {rm, team / rm};
    }
  }
  return grid;
}

// The place of a rectangle in the grid: its row group (from m0) and column group.
inline int gemm_thread_row_group(int64_t m0, int64_t m, int mr, GemmThreadGrid grid) {
  const int64_t tiles_m = (m + mr - 1) / mr;
  return static_cast<int>(m0 / ((tiles_m + grid.rectangles_m - 1) / grid.rectangles_m * mr));
}
inline int gemm_thread_column_group(int64_t n0, int64_t n, int nr, GemmThreadGrid grid) {
  const int64_t tiles_n = (n + nr - 1) / nr;
  return static_cast<int>(n0 / ((tiles_n + grid.rectangles_n - 1) / grid.rectangles_n * nr));
}

// Calls rectangle(m0, m1, n0, n1) once per rectangle of `grid` that holds tiles, each on
// whichever of the grid's threads claims it (a 1 x 1 grid on the caller, as worker 0 of a
// loop of its own, also inside another loop).
template <class Rectangle>
void split_gemm_over_threads(int64_t m, int64_t n, int mr, int nr, GemmThreadGrid grid, const Rectangle& rectangle) {
  const int team = grid.rectangles_m * grid.rectangles_n;
  const int64_t tiles_m = (m + mr - 1) / mr, tiles_n = (n + nr - 1) / nr;
  const int64_t rows_per = (tiles_m + grid.rectangles_m - 1) / grid.rectangles_m * mr;
  const int64_t cols_per = (tiles_n + grid.rectangles_n - 1) / grid.rectangles_n * nr;
  parallel_for(team, team, [&](int64_t r) {
    const int64_t m0 = (r / grid.rectangles_n) * rows_per, n0 = (r % grid.rectangles_n) * cols_per;
    if (m0 < m && n0 < n) rectangle(m0, std::min(m, m0 + rows_per), n0, std::min(n, n0 + cols_per));
  });
}

}  // namespace vigil::kernels

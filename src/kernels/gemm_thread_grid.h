// SPDX-License-Identifier: Apache-2.0
// How f32_gemm and qs8_gemm share one product's output among threads: a grid of
// threads_m x threads_n rectangles of whole MR x NR tiles, chosen for the fewest tiles
// plus B panels to pack on the busiest thread (a thread that shares columns with another
// packs them too; the cost is 0 when B comes packed). Each thread then runs the kernel's
// own single-threaded rectangle. A checked product (kernels/gemm_check.h) asks the grid
// first: its threads share lines of C only along the split side.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>

namespace vigil::kernels {

// The grid: threads_m x threads_n threads (threads_m x threads_n == team, or 1 x 1).
struct GemmThreadGrid {
  int threads_m = 1, threads_n = 1;
};
inline GemmThreadGrid gemm_thread_grid(int64_t m, int64_t n, int mr, int nr, int64_t panel_pack_cost, int team) {
  GemmThreadGrid grid;
  if (team <= 1) return grid;
  const int64_t tiles_m = (m + mr - 1) / mr, tiles_n = (n + nr - 1) / nr;
  int64_t best = std::numeric_limits<int64_t>::max();
  for (int tm = 1; tm <= team; ++tm) {
    if (team % tm) continue;
    const int64_t columns = (tiles_n + team / tm - 1) / (team / tm);
    const int64_t busiest = ((tiles_m + tm - 1) / tm + panel_pack_cost) * columns;
    if (busiest < best) {
      best = busiest;
      grid = {tm, team / tm};
    }
  }
  return grid;
}

// The place of a thread's rectangle in the grid: its row group (from m0) and column group.
inline int gemm_thread_row_group(int64_t m0, int64_t m, int mr, GemmThreadGrid grid) {
  const int64_t tiles_m = (m + mr - 1) / mr;
  return static_cast<int>(m0 / ((tiles_m + grid.threads_m - 1) / grid.threads_m * mr));
}
inline int gemm_thread_column_group(int64_t n0, int64_t n, int nr, GemmThreadGrid grid) {
  const int64_t tiles_n = (n + nr - 1) / nr;
  return static_cast<int>(n0 / ((tiles_n + grid.threads_n - 1) / grid.threads_n * nr));
}

// Calls rectangle(m0, m1, n0, n1) once per thread of `grid` (once in all for 1 x 1).
template <class Rectangle>
void split_gemm_over_threads(int64_t m, int64_t n, int mr, int nr, GemmThreadGrid grid, const Rectangle& rectangle) {
  const int team = grid.threads_m * grid.threads_n;
  if (team <= 1) {
    rectangle(int64_t{0}, m, int64_t{0}, n);
    return;
  }
  const int64_t tiles_m = (m + mr - 1) / mr, tiles_n = (n + nr - 1) / nr;
  const int64_t rows_per = (tiles_m + grid.threads_m - 1) / grid.threads_m * mr;
  const int64_t cols_per = (tiles_n + grid.threads_n - 1) / grid.threads_n * nr;
#pragma omp parallel for num_threads(team) schedule(static)
  for (int t = 0; t < team; ++t) {
    const int64_t m0 = (t / grid.threads_n) * rows_per, n0 = (t % grid.threads_n) * cols_per;
    if (m0 < m && n0 < n) rectangle(m0, std::min(m, m0 + rows_per), n0, std::min(n, n0 + cols_per));
  }
}

}  // namespace vigil::kernels

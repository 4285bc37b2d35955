// SPDX-License-Identifier: Apache-2.0
// The hook point inside the GEMM micro-kernels' epilogue: a tile's sums, fp32 or int32,
// handed to a function after the product and before the epilogue turns them into
// outputs and stores them. Fused checksums (ABFT) read the sums here while the tile is
// in L1; fault injection corrupts accumulators here. A GEMM whose epilogue carries a hook
// runs the hooked variant of its micro-kernel, chosen once per product (every registered
// micro-kernel is compiled in both variants from one template); the plain variant has no
// trace of the hook, so plain products keep their speed.
#pragma once

#include <cstdint>

namespace vigil::kernels {

// One tile as the hook sees it.
template <typename Sum>
struct GemmTile {
  Sum* sums;  // rows x cols live sums, row r at sums + r * ld; writable
  int64_t ld;
  int rows, cols;
  const void* c;  // where the tile's (0, 0) goes in the output: the hook tells its place from it
  // f32: the product runs in blocks of depth, each block's sums a tile of its own, added
  // to C by the epilogue. first: no earlier block; last: the epilogue (bias, residual,
  // activation) follows. int8 has no blocks of depth: both are true.
  bool first, last;
};

// `on_tile` may run on several threads at once, one tile each.
template <typename Sum>
struct GemmTileHook {
  void (*on_tile)(void* context, const GemmTile<Sum>& tile) = nullptr;
  void* context = nullptr;
};

using F32Tile = GemmTile<float>;
using S32Tile = GemmTile<int32_t>;
using F32TileHook = GemmTileHook<float>;
using S32TileHook = GemmTileHook<int32_t>;  // the raw products' sums, before the row offset

}  // namespace vigil::kernels

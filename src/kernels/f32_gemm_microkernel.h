// SPDX-License-Identifier: Apache-2.0
// The contract between the f32 GEMM driver (f32_gemm.cc: blocking, packing, threads) and
// its micro-kernels, one per instruction-set path (kernels/ref, kernels/x86/avx2,
// kernels/x86/avx512). A micro-kernel computes one MR x NR tile of C from an A panel
// (kc x MR, interleaved) and a B panel (kc x NR, packed or read in place) and applies the in-register part of the
// epilogue on the last block of k. Activations that need more than a clamp (sigmoid, tanh,
// GELU) are applied by the driver after the tile is stored, while it is still in cache.
#pragma once

#include <cstdint>

#include "core/cpu_features.h"
#include "kernels/epilogue.h"
#include "kernels/kernel_registry.h"

namespace vigil::kernels {

// The epilogue as a micro-kernel sees it, with pointers already moved to the tile.
struct F32TileEpilogue {
  bool accumulate = false;  // add the tile already in C (an earlier block of k)
  bool last = false;        // the last block of k: apply scale, bias, residual and clamp
  float scale = 1.0f;
  const float* bias = nullptr;  // at the tile's first row (per row) or column (per column)
  bool bias_per_column = false;
  const float* residual = nullptr;  // at the tile's (0, 0)
  int64_t residual_ld = 0;
  float lower = 0.0f, upper = 0.0f;  // clamp bounds when `clamp`
  bool clamp = false;
  float leaky_alpha = 0.0f;  // when `leaky`
  bool leaky = false;
  const F32TileHook* tile_hook = nullptr;  // read by the hooked variant only
  // The fused check's sums of the tile's lines (kernels/f32_gemm_check.h), read by the
  // hooked variant only, on the last block of k: each column's sum of the tile's sums over
  // the whole depth (this block's plus those already in C; before scale, bias and the
  // rest) is added to tally[column], or each row's to tally[row] when `tally_rows`.
  double* tally = nullptr;
  bool tally_rows = false;
};

// rows <= MR and cols <= NR for edge tiles; the panels are always full (zero-padded). Row p
// of the B panel starts at b_panel + p * b_stride: NR in a packed panel, or the leading
// dimension of B when the driver reads an unpacked B in place.
using F32MicroKernelFunction = void (*)(int64_t kc, const float* a_panel, const float* b_panel, int64_t b_stride,
                                        float* c, int64_t ldc, int rows, int cols, const F32TileEpilogue& epilogue);

// Each micro-kernel comes in two variants from one template: `run`, and `run_hooked`, which
// hands each tile's sums to the epilogue's tile hook and tally before the epilogue.
struct F32MicroKernel {
  const char* name;
  CpuFeatures needs;
  int mr, nr;
  F32MicroKernelFunction run;
  F32MicroKernelFunction run_hooked;
  Isa isa() const { return isa_of(needs); }  // the level its packed panels are laid out for
};

// Each micro-kernel, defined in the translation unit of its instruction set.
#define VIGIL_F32_GEMM_KERNEL(name) extern const F32MicroKernel name;
#include "kernels/f32_gemm_kernels.inc"
#undef VIGIL_F32_GEMM_KERNEL

// The registry of kernels/f32_gemm_kernels.inc, and the micro-kernel for a level.
const KernelRegistry<F32MicroKernel>& f32_gemm_kernels();
inline const F32MicroKernel& f32_micro_kernel(Isa isa) { return f32_gemm_kernels().best(isa_features(isa)); }

// The hooked variants' call, before the epilogue: the tile's sums (row stride kLd) to the
// hook. The kernel then tallies them (F32TileEpilogue::tally).
template <int kLd>
inline void call_tile_hook(const F32TileEpilogue& e, float* sums, int rows, int cols, const float* c) {
  if (e.tile_hook) e.tile_hook->on_tile(e.tile_hook->context, F32Tile{sums, kLd, rows, cols, c, !e.accumulate, e.last});
}

// The epilogue of one output element, in the order the micro-kernels apply it: the
// scalar kernel uses it, vector kernels are tested against it.
inline float f32_tile_epilogue_value(const F32TileEpilogue& e, float sum, int row, int col) {
  float v = sum * e.scale;
  if (e.bias) v += e.bias_per_column ? e.bias[col] : e.bias[row];
  if (e.residual) v += e.residual[row * e.residual_ld + col];
  if (e.clamp) v = v < e.lower ? e.lower : (v > e.upper ? e.upper : v);
  if (e.leaky) v = v >= 0.0f ? v : v * e.leaky_alpha;
  return v;
}

}  // namespace vigil::kernels

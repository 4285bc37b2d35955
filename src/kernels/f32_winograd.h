// SPDX-License-Identifier: Apache-2.0
// Winograd minimal filtering F(m x m, 3x3) for stride-1 3x3 convolution, m = 2 (4x4 input
// tiles, 16 transform points) or m = 4 (6x6 tiles, 36 points): the three transforms.
// Weights: U = G g G^T once per (out, in) channel pair at creation. Inputs: V = B^T d B
// for each alpha x alpha input tile d. Outputs: Y = A^T M A, where M, per transform point,
// is the product of U and V over input channels (the Conv operator's batched f32_gemm
// calls, ops/conv_winograd.cc). The input and output transforms work on many tiles at
// once, one tile per vector lane: operand rows are transform points, each holding `count`
// tiles contiguously (row stride ld). F(4x4) saves more products but its transform
// constants (up to 8 and 1/24) cost accuracy; tests bound both errors. The gather and
// scatter move tiles between an image plane and that tile-per-lane layout (a transpose:
// the vector paths turn stride-m rows into lanes with in-register shuffles).
#pragma once

#include <cstdint>

#include "core/cpu_features.h"
#include "kernels/epilogue.h"
#include "kernels/kernel_registry.h"

namespace vigil::kernels {

// alpha = m + 2: the input tile side.
constexpr int winograd_alpha(int m) { return m + 2; }

// U (alpha x alpha) = G g G^T for one 3x3 filter g (row-major).
void f32_winograd_filter(int m, const float* g, float* u);

// v[p * v_ld + t] = (B^T d_t B)[p] for tiles t < count, d[q * d_ld + t] their inputs.
using F32WinogradInputFunction = void (*)(const float* d, int64_t d_ld, int64_t count, float* v, int64_t v_ld);
// y[q * y_ld + t] = (A^T M_t A)[q] (m x m) for tiles t < count, from M[p * m_ld + t].
using F32WinogradOutputFunction = void (*)(const float* mm, int64_t m_ld, int64_t count, float* y, int64_t y_ld);

// One channel plane's geometry; tile t covers output rows t / tiles_w * m and columns
// t % tiles_w * m, tiles_w = ceil(out_w / m).
struct WinogradPlane {
  int64_t in_h = 0, in_w = 0, pad_top = 0, pad_left = 0, out_h = 0, out_w = 0;
};
// What the scatter adds: y = activation(value + bias + residual), residual optional.
struct WinogradEpilogue {
  float bias = 0.0f;
  const float* residual = nullptr;  // the output plane's shape
  ActivationSpec activation;
};

// d[(i * alpha + j) * count + t] = input tile t0 + t of `plane` (zeros outside the image);
// `rows` is scratch of f32_winograd_rows_floats floats.
using F32WinogradGatherFunction = void (*)(const WinogradPlane& s, const float* plane, int64_t t0, int64_t count,
                                           float* d, float* rows);
// The visible part of output tiles [t0, t0 + count) from y[(i * m + j) * count + t] into
// `plane`, with the epilogue.
using F32WinogradScatterFunction = void (*)(const WinogradPlane& s, const float* y, int64_t t0, int64_t count,
                                            const WinogradEpilogue& e, float* plane);

struct F32WinogradKernels {
  const char* name = nullptr;  // e.g. "f32_winograd_f4x4_3x3__avx2"
  F32WinogradInputFunction input = nullptr;
  F32WinogradOutputFunction output = nullptr;
  F32WinogradGatherFunction gather = nullptr;
  F32WinogradScatterFunction scatter = nullptr;
};

// The gather's scratch: the input rows of a block's tile rows (all of them at most),
// zero-padded, each with slack for whole-register reads past the last tile.
inline int64_t f32_winograd_row_stride(int m, int64_t out_w) { return (out_w + m - 1) / m * m + 2 + 16; }
inline int64_t f32_winograd_rows_floats(int m, int64_t out_h, int64_t out_w) {
  return ((out_h + m - 1) / m * m + 2) * f32_winograd_row_stride(m, out_w);
}

// The transforms of one path for tile m (2 or 4).
F32WinogradKernels f32_winograd_kernels__scalar(int m);
F32WinogradKernels f32_winograd_kernels__avx2(int m);

struct F32WinogradPath {
  const char* name;
  CpuFeatures needs;
  F32WinogradKernels (*kernels)(int m);
};
// f32_winograd__scalar, f32_winograd__avx2.
const KernelRegistry<F32WinogradPath>& f32_winograd_paths();
// The transforms of the best path of level `isa`.
F32WinogradKernels f32_winograd_kernels(int m, Isa isa = active_isa());

}  // namespace vigil::kernels

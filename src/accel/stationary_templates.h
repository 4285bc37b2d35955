// SPDX-License-Identifier: Apache-2.0
// Four classic dataflows as mapping templates, after MAESTRO's kcp_ws, ShiDianNao,
// SCALE-Sim and the TPU:
//   weight_stationary (NVDLA-like): each PE keeps one weight (an output channel on the
//     array's columns, an input channel on its rows) while the output plane streams past;
//     inputs are multicast along columns, partial sums reduced along rows.
//   output_stationary (ShiDianNao-like): each PE keeps one output (output rows on the
//     array's rows, columns on its columns) while channels and the window stream past;
//     weights are multicast to every PE, inputs shared between neighbours.
//   input_stationary (SCALE-Sim's "is"): each PE keeps the R x S input window of one
//     channel (channels on the array's rows) and one output column (on its columns)
//     while the filters stream past; partial sums are reduced along rows.
//   systolic (TPU v1, SCALE-Sim's "ws"): each PE keeps one weight of the convolution
//     lowered by im2col, C x R x S on the array's rows and K on its columns, while the
//     N x P x Q input vectors stream in from the left edge one hop per cycle and partial
//     sums flow down into the accumulators. The rows take whole dimensions (the split of
//     C, R and S with the fewest folds), so a fold count can exceed im2col's
//     ceil(C R S / rows). The stream stays inside the pass; the folds, reduction folds
//     innermost, are the passes, each paying the array's fill and drain
//     (ArchSpec::systolic).
// `fit` bounds the filter window a PE holds (weight and input stationary), and the
// output rows (systolic: that a pass streams) and input channels the first shared level
// holds at once; the caller
// lowers them until the tiles fit (predict.cc). Channels left out go to DRAM
// innermost, so partial sums stay on chip.
#pragma once

#include <cstdint>

#include "accel/arch_spec.h"
#include "accel/mapping.h"
#include "accel/problem.h"

namespace vigil::accel {

struct TileBounds {
  int window_dims_in_pe = 2;  // of R and S, how many loop inside a PE (the rest at the shared level)
  int64_t rows = INT64_MAX;
  int64_t channels = INT64_MAX;
};

Mapping weight_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit);
Mapping output_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit);
Mapping input_stationary_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit);
Mapping systolic_mapping(const ArchSpec& arch, const Layer& layer, const TileBounds& fit);

}  // namespace vigil::accel

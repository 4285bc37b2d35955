// Three classic dataflows as mapping templates, after MAESTRO's kcp_ws, ShiDianNao and
// SCALE-Sim:
//   weight_stationary (NVDLA-like): each PE keeps one weight (an output channel on the
//     array's columns, an input channel on its rows) while the output plane streams past;
//     inputs are multicast along columns, partial sums reduced along rows.
//   output_stationary (ShiDianNao-like): each PE keeps one output (output rows on the
//     array's rows, columns on its columns) while channels and the window stream past;
//     weights are multicast to every PE, inputs shared between neighbours.
//   input_stationary (SCALE-Sim's "is"): each PE keeps the R x S input window of one
//     channel (channels on the array's rows) and one output column (on its columns)
//     while the filters stream past; partial sums are reduced along rows.
// `fit` bounds the filter window a PE holds (weight and input stationary), and the
// output rows and input channels the first shared level holds at once; the caller
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

}  // namespace vigil::accel

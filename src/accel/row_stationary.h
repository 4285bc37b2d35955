// SPDX-License-Identifier: Apache-2.0
// The row-stationary dataflow of Eyeriss (Chen et al., ISCA 2016, JSSC 2017) as a
// mapping template. A PE convolves one filter row with one input row; a PE set of R rows
// by e columns computes e output rows, with filter rows shared along the set's rows,
// input rows along its diagonals and partial sums summed up its columns. The parameters
// are those of the JSSC paper's Table III: per processing pass each PE holds p filters
// x q channels of one filter row for n images; r sets take different channels, t sets
// different filters; the global buffer holds the partial sums of m filters.
#pragma once

#include "accel/arch_spec.h"
#include "accel/mapping.h"
#include "accel/problem.h"

namespace vigil::accel {

struct RowStationaryParams {
  int64_t m = 1, n = 1, e = 1, p = 1, q = 1, r = 1, t = 1;
};

// The layer's own parameters (Layer::dataflow_params m, n, e, p, q, r, t) when it has
// them, otherwise a choice that fills the array and the scratchpads. A bad-input Error if
// a given parameter is below 1 or names an unknown key.
RowStationaryParams row_stationary_params(const ArchSpec& arch, const Layer& layer);

// The mapping for the parameters. Within a PE the q channels and S filter columns are
// innermost (held by the innermost level that holds inputs), the p filters around them
// (the innermost level holding outputs), the output row and n images outermost; the
// first shared level loops over m / (p t) filter groups; DRAM over images, strips of e
// output rows, groups, M / m filter blocks and, innermost so partial sums stay on chip,
// channel blocks. Sets go on the array's rows while R x r x t rows fit, else on columns.
Mapping row_stationary_mapping(const ArchSpec& arch, const Layer& layer, const RowStationaryParams& params);

}  // namespace vigil::accel

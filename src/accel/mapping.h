// SPDX-License-Identifier: Apache-2.0
// A mapping: how a layer's loop nest is split over the memory hierarchy and the PE
// array, as a plain value (Timeloop's mapping). Each memory level has temporal loops,
// listed outermost first; the spatial loops sit between the last per-PE level and the
// first shared one and are laid out over the array's rows and columns. The product of
// every dimension's factors must cover the layer's size (a larger product pads the
// layer and wastes PE cycles, which utilization shows).
#pragma once

#include <string>
#include <vector>

#include "accel/problem.h"

namespace vigil::accel {

struct Loop {
  Dim dim = Dim::N;
  int64_t factor = 1;
};

struct Mapping {
  std::string dataflow;                     // the template it came from, for reports
  std::vector<std::vector<Loop>> temporal;  // per on-chip level (innermost first) and DRAM last
  std::vector<Loop> spatial_rows;           // over the array's rows
  std::vector<Loop> spatial_cols;           // over the array's columns; may fold onto more rows
};

int64_t loops_product(const std::vector<Loop>& loops);

// "dram[N4 P8 C3] L3[K3] L2[Q55] L1[K16] L0[C1 S11] rows[R11] cols[P7 K2]", for logs.
std::string mapping_to_string(const Mapping& mapping);

}  // namespace vigil::accel

// SPDX-License-Identifier: Apache-2.0
// Mapping helpers (mapping.h).
#include "accel/mapping.h"

#include <sstream>

namespace vigil::accel {

int64_t loops_product(const std::vector<Loop>& loops) {
  int64_t product = 1;
  for (const Loop& loop : loops) product *= loop.factor;
  return product;
}

std::string mapping_to_string(const Mapping& mapping) {
  std::ostringstream out;
  auto loops = [&](const std::vector<Loop>& list) {
    out << "[";
    for (size_t i = 0; i < list.size(); ++i) out << (i ? " " : "") << dim_name(list[i].dim) << list[i].factor;
    out << "] ";
  };
  // Outermost first; where the array sits among the levels is the architecture's
  // business, so the spatial loops come last.
  for (size_t level = mapping.temporal.size(); level-- > 0;) {
    if (level + 1 == mapping.temporal.size()) {
      out << "dram";
    } else {
      out << "L" << level;
    }
    loops(mapping.temporal[level]);
  }
  out << "rows";
  loops(mapping.spatial_rows);
  out << "cols";
  loops(mapping.spatial_cols);
  std::string text = out.str();
  text.pop_back();
  return text;
}

}  // namespace vigil::accel

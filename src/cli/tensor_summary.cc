// SPDX-License-Identifier: Apache-2.0
// Tensor statistics for summaries.
#include "cli/tensor_summary.h"

#include <algorithm>
#include <cstdio>

namespace vigil::cli {

TensorSummary summarize(const Tensor& tensor) {
  TensorSummary summary{dtype_name(tensor.dtype()), tensor.shape()};
  const std::vector<double> values = tensor.to_double_vector();
  if (values.empty()) return summary;
  summary.min = *std::min_element(values.begin(), values.end());
  summary.max = *std::max_element(values.begin(), values.end());
  double total = 0;
  for (double v : values) total += v;
  summary.mean = total / static_cast<double>(values.size());
  return summary;
}

std::string to_string(const TensorSummary& summary) {
  char stats[128];
  std::snprintf(stats, sizeof stats, "min %.6g  max %.6g  mean %.6g", summary.min, summary.max, summary.mean);
  return summary.dtype + shape_to_string(summary.shape) + "  " + stats;
}

nlohmann::json to_json(const TensorSummary& summary) {
  return {{"dtype", summary.dtype},
          {"shape", summary.shape},
          {"min", summary.min},
          {"max", summary.max},
          {"mean", summary.mean}};
}

}  // namespace vigil::cli

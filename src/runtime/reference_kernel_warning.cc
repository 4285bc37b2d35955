// SPDX-License-Identifier: Apache-2.0
// The reference-kernel warnings of runtime/reference_kernel_warning.h.
#include "runtime/reference_kernel_warning.h"

#include <cstdint>

#include "core/log.h"

namespace vigil {

std::vector<std::string> reference_kernel_warnings(const std::vector<StepCost>& costs) {
  int64_t total = 0;
  for (const StepCost& step : costs) total += step.cost.macs;
  std::vector<std::string> lines;
  if (total <= 0) return lines;
  for (const StepCost& step : costs) {
    const double share = static_cast<double>(step.cost.macs) / static_cast<double>(total);
    if (!step.algorithm.empty() || share <= kReferenceKernelWarningShare) continue;
    lines.push_back(str_cat("node '", step.name, "' (", step.op_type, ", ", static_cast<int>(100.0 * share + 0.5),
                            "% of the model's multiply-accumulates) runs on the reference kernel, far slower than "
                            "vigil's kernels"));
  }
  return lines;
}

void warn_about_reference_kernels(const std::vector<StepCost>& costs) {
  for (const std::string& line : reference_kernel_warnings(costs)) log_warning(line);
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Which heavy layers run on a reference kernel. A step whose operator has no planned
// kernel (an empty algorithm in runtime/step_costs.h) and does more than 1% of the model's
// multiply-accumulates is slow enough to dominate an inference, and a user who meets it in
// `vigil run`, `bench` or `profile` is told which node it is.
#pragma once

#include <string>
#include <vector>

#include "runtime/step_costs.h"

namespace vigil {

// The share of a model's MACs above which a step on a reference kernel is reported.
constexpr double kReferenceKernelWarningShare = 0.01;

// One line per such step, in execution order.
std::vector<std::string> reference_kernel_warnings(const std::vector<StepCost>& costs);
// The same lines, as warnings (core/log.h).
void warn_about_reference_kernels(const std::vector<StepCost>& costs);

}  // namespace vigil

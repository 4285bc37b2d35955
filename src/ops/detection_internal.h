// SPDX-License-Identifier: Apache-2.0
// The detection family's factories, one per file: detection_ops.cc registers them all
// and holds NonMaxSuppression; detection_roi_align.cc and detection_grid_sample.cc the
// two sampling operators.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_roi_align(const OpCreateInfo& info);
std::unique_ptr<Operator> create_grid_sample(const OpCreateInfo& info);

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Factories of the reduce family defined outside reduce.cc; register_reduce_operators
// registers them.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_arg_max(const OpCreateInfo& info);  // arg_reduce.cc
std::unique_ptr<Operator> create_arg_min(const OpCreateInfo& info);  // arg_reduce.cc

}  // namespace vigil

// Factories of the tensor family that live in their own files; register_tensor_operators
// (tensor_ops.cc) registers them.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_slice(const OpCreateInfo& info);  // slice.cc
std::unique_ptr<Operator> create_pad(const OpCreateInfo& info);    // pad.cc

}  // namespace vigil

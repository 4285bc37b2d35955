// SPDX-License-Identifier: Apache-2.0
// Factories of the tensor family that live in their own files; register_tensor_operators
// (tensor_ops.cc) registers them.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_slice(const OpCreateInfo& info);  // slice.cc
std::unique_ptr<Operator> create_pad(const OpCreateInfo& info);    // pad.cc
// Transpose's planned path for 4-byte elements, falling back to `reference`.
std::unique_ptr<Operator> create_fast_transpose(const OpCreateInfo& info,
                                                std::unique_ptr<Operator> reference);  // f32_transpose.cc

}  // namespace vigil

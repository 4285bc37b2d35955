// SPDX-License-Identifier: Apache-2.0
// Shared by the ordering family: ordering_ops.cc (TopK, NonZero, CumSum, Trilu and the
// registration) and unique.cc.
#pragma once

#include <memory>
#include <type_traits>

#include "core/dtype.h"
#include "ops/operator.h"

namespace vigil {

// The type elements of T are compared and summed in: the 16-bit floats through float.
template <class T>
using ComputeType = std::conditional_t<std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>, float, T>;

std::unique_ptr<Operator> create_unique(const OpCreateInfo& info);  // unique.cc

}  // namespace vigil

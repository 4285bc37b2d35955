// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the signal-processing operators (signal_ops.cc: DFT, STFT;
// signal_windows.cc: the window generators and MelWeightMatrix): reading scalar inputs
// and writing computed double values out in any requested element type.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "ops/registry.h"

namespace vigil {

// The single element of a scalar (or one-element) input as int64 / double.
int64_t read_scalar_int(const Tensor& tensor, const std::string& what);
double read_scalar_double(const Tensor& tensor, const std::string& what);

// `values` (a float64 tensor, computed in double) converted to `dtype`.
Tensor tensor_from_doubles(DType dtype, const Tensor& values, const std::string& what);

// HannWindow, HammingWindow, BlackmanWindow, MelWeightMatrix.
void register_signal_window_operators(OpRegistry& registry);

}  // namespace vigil

// Vectorised unary primitives on contiguous f32 arrays: the activations of kernels/
// epilogue.h, applied in place or out of place (y may equal x). The path follows
// active_isa(); the scalar path is apply_activation().
#pragma once

#include <cstdint>

#include "kernels/epilogue.h"

namespace vigil::kernels {

void f32_activation(const ActivationSpec& activation, int64_t n, const float* x, float* y);

}  // namespace vigil::kernels

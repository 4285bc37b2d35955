// SPDX-License-Identifier: Apache-2.0
// The dispatch of the unary primitives (kernels/unary.h) to the active table, and the
// registry of the tables, which the binary and reduce primitives use too.
#include "kernels/unary.h"

#include "core/cpu_features.h"
#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels {

constexpr const F32VectorPaths* kF32VectorPaths[] = {&f32_vmath__scalar, &f32_vmath__avx2, &f32_vmath__avx512};

const KernelRegistry<F32VectorPaths>& f32_vmath_kernels() {
  static const KernelRegistry<F32VectorPaths> registry("f32_vmath", kF32VectorPaths);
  return registry;
}

void f32_activation(const ActivationSpec& activation, int64_t n, const float* x, float* y) {
  active_f32_vector_paths().activation(activation, n, x, y);
}

void f32_unary(UnaryFunction function, int64_t n, const float* x, float* y) {
  active_f32_vector_paths().unary(function, n, x, y);
}

void f32_affine(int64_t n, const float* x, float scale, float shift, float* y) {
  active_f32_vector_paths().affine(n, x, scale, shift, y);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The per-instruction-set implementations behind kernels/unary.h, binary.h and reduce.h:
// one table of function pointers per vector path (kernels/x86/avx2, kernels/x86/avx512),
// filled from one template (kernels/x86/f32_vmath_impl.h) instantiated with that ISA's
// vector type, and the scalar table of plain loops over the reference functions
// (kernels/ref/f32_vmath__scalar.cc), which the vector tables are tested against.
#pragma once

#include <cstdint>

#include "kernels/binary.h"
#include "kernels/epilogue.h"
#include "kernels/kernel_registry.h"
#include "kernels/unary.h"

namespace vigil::kernels {

struct F32VectorPaths {
  const char* name;
  CpuFeatures needs;
  void (*activation)(const ActivationSpec& activation, int64_t n, const float* x, float* y);
  void (*unary)(UnaryFunction function, int64_t n, const float* x, float* y);
  void (*affine)(int64_t n, const float* x, float scale, float shift, float* y);
  void (*binary)(BinaryOp op, int64_t n, const float* a, const float* b, float* y);
  void (*binary_scalar)(BinaryOp op, int64_t n, const float* a, float b, bool swapped, float* y);
  void (*multiply_add)(int64_t n, const float* x, const float* scale, const float* shift, float* y);
  float (*sum)(int64_t n, const float* x);
  float (*max)(int64_t n, const float* x);
  float (*sum_squares)(int64_t n, const float* x, float offset);
  float (*exp_sum)(int64_t n, const float* x, float offset, float* y);
  void (*window_max_row)(int64_t count, int64_t window, int64_t stride, const float* x, float* acc);
  void (*window_sum_row)(int64_t count, int64_t window, int64_t stride, const float* x, float* acc);
};

extern const F32VectorPaths f32_vmath__scalar;
extern const F32VectorPaths f32_vmath__avx2;
extern const F32VectorPaths f32_vmath__avx512;

// The tables above as a registry (least to most capable), and its active table.
const KernelRegistry<F32VectorPaths>& f32_vmath_kernels();
inline const F32VectorPaths& active_f32_vector_paths() { return f32_vmath_kernels().active(); }

}  // namespace vigil::kernels

// The dispatch of the unary primitives (kernels/unary.h) to the active ISA's table, and
// the choice of that table for the binary and reduce primitives too.
#include "kernels/unary.h"

#include "core/cpu_features.h"
#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels {

const F32VectorPaths& active_f32_vector_paths() {
  switch (active_isa()) {
    case Isa::Scalar: return f32_vmath__scalar;
    case Isa::Avx2: return f32_vmath__avx2;
    case Isa::Avx512: return f32_vmath__avx512;
  }
  return f32_vmath__scalar;
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

// SPDX-License-Identifier: Apache-2.0
// The dispatch of the binary primitives (kernels/binary.h); the row and column broadcasts
// are loops of the same-length and scalar kernels.
#include "kernels/binary.h"

#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels {

void f32_binary(BinaryOp op, int64_t n, const float* a, const float* b, float* y) {
  active_f32_vector_paths().binary(op, n, a, b, y);
}

void f32_binary_scalar(BinaryOp op, int64_t n, const float* a, float b, bool swapped, float* y) {
  active_f32_vector_paths().binary_scalar(op, n, a, b, swapped, y);
}

void f32_binary_row(BinaryOp op, int64_t m, int64_t n, const float* a, const float* row, bool swapped, float* y) {
  const F32VectorPaths& paths = active_f32_vector_paths();
  for (int64_t i = 0; i < m; ++i) {
    if (swapped) {
      paths.binary(op, n, row, a + i * n, y + i * n);
    } else {
      paths.binary(op, n, a + i * n, row, y + i * n);
    }
  }
}

void f32_binary_column(BinaryOp op, int64_t m, int64_t n, const float* a, const float* column, bool swapped, float* y) {
  const F32VectorPaths& paths = active_f32_vector_paths();
  for (int64_t i = 0; i < m; ++i) paths.binary_scalar(op, n, a + i * n, column[i], swapped, y + i * n);
}

void f32_multiply_add(int64_t n, const float* x, const float* scale, const float* shift, float* y) {
  active_f32_vector_paths().multiply_add(n, x, scale, shift, y);
}

}  // namespace vigil::kernels

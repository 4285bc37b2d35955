// SPDX-License-Identifier: Apache-2.0
// The dispatch of the reductions (kernels/reduce.h); the row forms loop the row kernels.
#include "kernels/reduce.h"

#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels {

float f32_sum(int64_t n, const float* x) { return active_f32_vector_paths().sum(n, x); }
float f32_max(int64_t n, const float* x) { return active_f32_vector_paths().max(n, x); }
float f32_sum_squares(int64_t n, const float* x, float offset) {
  return active_f32_vector_paths().sum_squares(n, x, offset);
}
float f32_exp_sum(int64_t n, const float* x, float offset, float* y) {
  return active_f32_vector_paths().exp_sum(n, x, offset, y);
}

void f32_sum_rows(int64_t m, int64_t n, const float* x, float* out) {
  const F32VectorPaths& paths = active_f32_vector_paths();
  for (int64_t i = 0; i < m; ++i) out[i] = paths.sum(n, x + i * n);
}

void f32_max_rows(int64_t m, int64_t n, const float* x, float* out) {
  const F32VectorPaths& paths = active_f32_vector_paths();
  for (int64_t i = 0; i < m; ++i) out[i] = paths.max(n, x + i * n);
}

void f32_sum_squares_rows(int64_t m, int64_t n, const float* x, float* out) {
  const F32VectorPaths& paths = active_f32_vector_paths();
  for (int64_t i = 0; i < m; ++i) out[i] = paths.sum_squares(n, x + i * n, 0.0f);
}

void f32_window_max_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc) {
  active_f32_vector_paths().window_max_row(count, window, stride, x, acc);
}

void f32_window_sum_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc) {
  active_f32_vector_paths().window_sum_row(count, window, stride, x, acc);
}

}  // namespace vigil::kernels

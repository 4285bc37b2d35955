// SPDX-License-Identifier: Apache-2.0
// The scalar path of the unary, binary and reduce primitives: plain loops over the
// reference functions (apply_activation, apply_unary, apply_binary), with sequential sums.
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/reduce.h"
#include "kernels/unary_binary_reduce_isa.h"

namespace vigil::kernels {

namespace {

void activation(const ActivationSpec& a, int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = apply_activation(a, x[i]);
}

void unary(UnaryFunction f, int64_t n, const float* x, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = apply_unary(f, x[i]);
}

void affine(int64_t n, const float* x, float scale, float shift, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale + shift;
}

void binary(BinaryOp op, int64_t n, const float* a, const float* b, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = apply_binary(op, a[i], b[i]);
}

void binary_scalar(BinaryOp op, int64_t n, const float* a, float b, bool swapped, float* y) {
  if (swapped) {
    for (int64_t i = 0; i < n; ++i) y[i] = apply_binary(op, b, a[i]);
  } else {
    for (int64_t i = 0; i < n; ++i) y[i] = apply_binary(op, a[i], b);
  }
}

void multiply_add(int64_t n, const float* x, const float* scale, const float* shift, float* y) {
  for (int64_t i = 0; i < n; ++i) y[i] = x[i] * scale[i] + shift[i];
}

float sum(int64_t n, const float* x) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; ++i) s += x[i];
  return s;
}

float max(int64_t n, const float* x) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) m = x[i] > m ? x[i] : m;
  return m;
}

float sum_squares(int64_t n, const float* x, float offset) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; ++i) s += (x[i] - offset) * (x[i] - offset);
  return s;
}

float exp_sum(int64_t n, const float* x, float offset, float* y) {
  float s = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    y[i] = std::exp(x[i] - offset);
    s += y[i];
  }
  return s;
}

void window_max_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc) {
  for (int64_t o = 0; o < count; ++o) {
    for (int64_t k = 0; k < window; ++k) acc[o] = max_keeping_nan(acc[o], x[o * stride + k]);
  }
}

void window_sum_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc) {
  for (int64_t o = 0; o < count; ++o) {
    for (int64_t k = 0; k < window; ++k) acc[o] += x[o * stride + k];
  }
}

}  // namespace

const F32VectorPaths f32_vmath__scalar = {
    "f32_vmath__scalar", CpuFeatures{}, &activation, &unary,       &affine,  &binary,         &binary_scalar,
    &multiply_add,       &sum,          &max,        &sum_squares, &exp_sum, &window_max_row, &window_sum_row};

}  // namespace vigil::kernels

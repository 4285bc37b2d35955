// SPDX-License-Identifier: Apache-2.0
// Vectorised reductions of contiguous f32 rows: sum, max, sum of squared deviations, and
// the fused exponentiate-and-sum of softmax. The row forms reduce each of m rows of n
// (row stride n) into out[i]. Sums accumulate in several vector lanes, so they differ
// from a sequential sum by rounding only (the tests bound it). An empty row sums to 0 and
// has maximum -inf; the maximum of a row holding NaN is unspecified (softmax's sum turns
// NaN anyway). The path follows active_isa().
#pragma once

#include <cstdint>

namespace vigil::kernels {

float f32_sum(int64_t n, const float* x);
float f32_max(int64_t n, const float* x);
// sum over i of (x[i] - offset)^2: the variance numerator around a known mean.
float f32_sum_squares(int64_t n, const float* x, float offset);
// y[i] = exp(x[i] - offset), returning the sum of y (softmax with offset = row max).
// y may equal x.
float f32_exp_sum(int64_t n, const float* x, float offset, float* y);

void f32_sum_rows(int64_t m, int64_t n, const float* x, float* out);
void f32_max_rows(int64_t m, int64_t n, const float* x, float* out);
void f32_sum_squares_rows(int64_t m, int64_t n, const float* x, float* out);

// The larger of two values, and NaN when either is NaN (IEEE 754-2019 maximum): a NaN
// in a MaxPool window reaches its output, as in PyTorch and the ONNX reference, so that a
// fault which made one is not hidden.
inline float max_keeping_nan(float acc, float x) { return x > acc || x != x ? x : acc; }

// Windowed row reductions, the inner loop of 2-D pooling: for o in [0, count)
//   max: acc[o] = max_keeping_nan(acc[o], x[o * stride + k] for k in [0, window))
//   sum: acc[o] += sum of x[o * stride + k] for k in [0, window)
// Reads only x[0 .. (count - 1) * stride + window). Strides 1 and 2 are vectorised over
// o (stride 2 deinterleaves pairs of vectors); others run the scalar loop.
void f32_window_max_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc);
void f32_window_sum_row(int64_t count, int64_t window, int64_t stride, const float* x, float* acc);

}  // namespace vigil::kernels

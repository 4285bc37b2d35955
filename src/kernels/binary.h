// SPDX-License-Identifier: Apache-2.0
// Vectorised binary primitives on contiguous f32 arrays: y = a op b with b of the same
// length, a scalar, or (for an m x n matrix a) a row vector (length n, broadcast down
// the rows) or a column vector (length m, broadcast along each row). `swapped` computes
// b op a instead, for "scalar - tensor" or "vector / matrix". y may equal a (or b where b
// has a's length); no other overlap. The path follows active_isa(); apply_binary is the
// scalar specification. Max and min return the second operand of the computed order
// when either is NaN (the x86 instruction's rule), so their NaN results follow it too.
#pragma once

#include <cstdint>

namespace vigil::kernels {

enum class BinaryOp { Add, Sub, Mul, Div, Max, Min };

float apply_binary(BinaryOp op, float a, float b);

// y[i] = a[i] op b[i]
void f32_binary(BinaryOp op, int64_t n, const float* a, const float* b, float* y);
// y[i] = a[i] op b, or b op a[i] when swapped
void f32_binary_scalar(BinaryOp op, int64_t n, const float* a, float b, bool swapped, float* y);
// y[i][j] = a[i][j] op row[j] (or row[j] op a[i][j]); a and y have m rows of n
void f32_binary_row(BinaryOp op, int64_t m, int64_t n, const float* a, const float* row, bool swapped, float* y);
// y[i][j] = a[i][j] op column[i] (or column[i] op a[i][j])
void f32_binary_column(BinaryOp op, int64_t m, int64_t n, const float* a, const float* column, bool swapped, float* y);

// y[i] = x[i] * scale[i] + shift[i] (the affine part of a layer normalisation).
void f32_multiply_add(int64_t n, const float* x, const float* scale, const float* shift, float* y);

}  // namespace vigil::kernels

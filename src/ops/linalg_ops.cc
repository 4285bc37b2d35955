// SPDX-License-Identifier: Apache-2.0
// Linear-algebra operators: Det (opset 11), the determinant of each square matrix in a
// batch [*, M, M] -> [*]. LU decomposition with partial pivoting, in double whatever the
// element type, so that float inputs lose no more than their own rounding.
#include <cmath>
#include <utility>

#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// The determinant of the m x m row-major matrix in `a`, which it overwrites with the
// factors. A zero pivot column means a singular matrix: determinant 0.
double lu_determinant(std::vector<double>& a, int64_t m) {
  double det = 1.0;
  for (int64_t col = 0; col < m; ++col) {
    int64_t pivot = col;
    for (int64_t row = col + 1; row < m; ++row) {
      if (std::fabs(a[row * m + col]) > std::fabs(a[pivot * m + col])) pivot = row;
    }
    const double pivot_value = a[pivot * m + col];
    if (pivot_value == 0.0) return 0.0;
    if (pivot != col) {
      for (int64_t k = 0; k < m; ++k) std::swap(a[pivot * m + k], a[col * m + k]);
      det = -det;
    }
    det *= pivot_value;
    for (int64_t row = col + 1; row < m; ++row) {
      const double factor = a[row * m + col] / pivot_value;
      if (factor == 0.0) continue;
      for (int64_t k = col + 1; k < m; ++k) a[row * m + k] -= factor * a[col * m + k];
    }
  }
  return det;
}

std::unique_ptr<Operator> create_det(const OpCreateInfo&) {
  return make_operator([](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "X");
    if (!dtype_is_float(x.dtype())) {
      fail_unsupported("Det: element type ", dtype_name(x.dtype()), " is not supported");
    }
    const int64_t rank = x.rank();
    check_input(rank >= 2 && x.dim(rank - 1) == x.dim(rank - 2), "Det input must be [*, M, M], got shape ",
                shape_to_string(x.shape()));
    const int64_t m = x.dim(rank - 1);
    const Shape batch_shape(x.shape().begin(), x.shape().end() - 2);
    Tensor result(x.dtype(), batch_shape);
    const int64_t batch = result.numel();
    dispatch_dtype(x.dtype(), "Det", [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* src = x.data<T>();
      T* dst = result.data<T>();
      std::vector<double> matrix(static_cast<size_t>(m * m));
      for (int64_t b = 0; b < batch; ++b) {
        const T* block = src + b * m * m;
        for (int64_t i = 0; i < m * m; ++i) matrix[i] = convert_element<double>(block[i]);
        dst[b] = convert_element<T>(lu_determinant(matrix, m));
      }
    });
    out[0] = std::move(result);
  });
}

}  // namespace

void register_linalg_operators(OpRegistry& registry) { registry.add("", "Det", create_det); }

}  // namespace vigil

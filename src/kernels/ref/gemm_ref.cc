// SPDX-License-Identifier: Apache-2.0
// The float and double instantiations of the reference GEMM (see gemm_ref.h), so that the
// hot loops are compiled once rather than in every caller.
#include "kernels/ref/gemm_ref.h"

namespace vigil::kernels {

void f32_gemm_ref(int64_t m, int64_t n, int64_t k, float alpha, GemmOperand<float> a, GemmOperand<float> b, float beta,
                  float* c, int64_t ldc, int threads) {
  gemm_ref<float>(m, n, k, alpha, a, b, beta, c, ldc, threads);
}

void f64_gemm_ref(int64_t m, int64_t n, int64_t k, double alpha, GemmOperand<double> a, GemmOperand<double> b,
                  double beta, double* c, int64_t ldc, int threads) {
  gemm_ref<double>(m, n, k, alpha, a, b, beta, c, ldc, threads);
}

}  // namespace vigil::kernels

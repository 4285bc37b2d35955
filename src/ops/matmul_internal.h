// SPDX-License-Identifier: Apache-2.0
// Shared by the matrix-product family files: matmul.cc registers the family and defines
// the reference MatMul and Gemm, f32_matmul.cc their fast float32 operators (which also
// run the fused "vigil" FusedMatMul and FusedGemm), einsum.cc defines Einsum, and
// qlinear_matmul.cc MatMulInteger and QLinearMatMul.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/thread_pool.h"
#include "kernels/ref/gemm_ref.h"
#include "ops/operator.h"

namespace vigil {

// The batch of matrix products of MatMul: operand matrices are m x k and k x n; batch
// offsets (in matrices) of each operand, from broadcasting their leading dimensions.
struct MatMulPlan {
  int64_t m = 1, n = 1, k = 1;
  Shape output;
  std::vector<int64_t> a_offsets, b_offsets;
};
MatMulPlan plan_matmul(const Shape& a, const Shape& b, const std::string& what);

// The products of a plan with the reference GEMM, for any element type (MatMul's float
// and double, MatMulInteger's and QLinearMatMul's int32 on centred values).
template <class T>
void run_matmul(const MatMulPlan& plan, const T* a, const T* b, T* y, int threads) {
  const int64_t batches = static_cast<int64_t>(plan.a_offsets.size());
  const int64_t a_size = plan.m * plan.k, b_size = plan.k * plan.n, y_size = plan.m * plan.n;
  // Many products: one per thread; few: the GEMM spreads each over the threads.
  const bool across_batches = batches >= threads && threads > 1;
  const int gemm_threads = across_batches ? 1 : threads;
  parallel_for(batches, across_batches ? threads : 1, [&](int64_t i) {
    kernels::gemm_ref<T>(plan.m, plan.n, plan.k, T(1), {a + plan.a_offsets[i] * a_size, plan.k},
                         {b + plan.b_offsets[i] * b_size, plan.n}, T(0), y + i * y_size, plan.n, gemm_threads);
  });
}

std::unique_ptr<Operator> create_reference_matmul(const OpCreateInfo& info);
std::unique_ptr<Operator> create_reference_gemm(const OpCreateInfo& info);
// MatMul and FusedMatMul; Gemm and FusedGemm (f32_matmul.cc).
std::unique_ptr<Operator> create_matmul(const OpCreateInfo& info);
std::unique_ptr<Operator> create_gemm(const OpCreateInfo& info);

std::unique_ptr<Operator> create_einsum(const OpCreateInfo& info);

}  // namespace vigil

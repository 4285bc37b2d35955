// Shared by the matrix-product family files: matmul.cc registers the family and defines
// the reference MatMul and Gemm, f32_matmul.cc their fast float32 operators (which also
// run the fused "vigil" FusedMatMul and FusedGemm), einsum.cc defines Einsum.
#pragma once

#include <memory>
#include <string>
#include <vector>

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

std::unique_ptr<Operator> create_reference_matmul(const OpCreateInfo& info);
std::unique_ptr<Operator> create_reference_gemm(const OpCreateInfo& info);
// MatMul and FusedMatMul; Gemm and FusedGemm (f32_matmul.cc).
std::unique_ptr<Operator> create_matmul(const OpCreateInfo& info);
std::unique_ptr<Operator> create_gemm(const OpCreateInfo& info);

std::unique_ptr<Operator> create_einsum(const OpCreateInfo& info);

}  // namespace vigil

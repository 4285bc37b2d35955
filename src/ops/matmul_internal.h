// Shared by the matrix-product family files: matmul.cc registers the family and defines
// MatMul and Gemm, einsum.cc defines Einsum.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_einsum(const OpCreateInfo& info);

}  // namespace vigil

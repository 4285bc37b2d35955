// SPDX-License-Identifier: Apache-2.0
// Dynamic quantization, for MatMul-heavy models (transformers) whose activation ranges
// vary from input to input: no calibration. Every MatMul and Gemm whose B is a 2-D float
// initializer gets int8 weights (per output column, or per tensor) and an activation
// quantized to uint8 at run time, in the layout of ONNX Runtime's dynamic quantizer:
//   A -> DynamicQuantizeLinear -> (A_q, A_scale, A_zero_point)
//   MatMulInteger(A_q, B_q, A_zero_point, B_zero_point) -> Cast(float)
//   -> Mul by (A_scale x B_scale) [-> Add bias, for Gemm]
// Gemm's alpha is folded into B's scales and beta into its bias; a Gemm with transA, or
// with a bias that is not an initializer and beta != 1, stays float. One
// DynamicQuantizeLinear serves every product that reads the same activation.
#pragma once

#include <set>
#include <string>

namespace onnx {
class ModelProto;
}

namespace vigil::quant {

struct DynamicSummary {
  int products = 0;  // MatMul and Gemm nodes rewritten
};

DynamicSummary write_dynamic(onnx::ModelProto& model, bool per_channel, float weight_clip,
                             const std::set<std::string>& excluded, const std::string& base_dir);

}  // namespace vigil::quant

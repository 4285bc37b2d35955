// SPDX-License-Identifier: Apache-2.0
// Dynamic quantization, for models whose activation ranges vary from input to input
// (transformers above all): no calibration. Every MatMul and Gemm whose B is a 2-D float
// initializer, and every Conv whose W is a 4-D float initializer, gets int8 weights (per
// output column or filter, or per tensor) and an activation quantized to uint8 at run
// time, in the layout of ONNX Runtime's dynamic quantizer (quantize_dynamic):
//   A -> DynamicQuantizeLinear -> (A_q, A_scale, A_zero_point)
//   MatMulInteger(A_q, B_q, A_zero_point, B_zero_point) -> Cast(float)
//   -> Mul by (A_scale x B_scale) [-> Add bias, for Gemm]
//   ConvInteger(A_q, W_q, A_zero_point, W_zero_point) (Conv's attributes) -> Cast(float)
//   -> Mul by (A_scale x W_scale) [-> Add bias as [1, M, 1, 1]]
// A Conv's per-filter scales have the shape [M, 1, 1], so that they multiply its output's
// channels. Gemm's alpha is folded into B's scales and beta into its bias; a Gemm with
// transA, or with a bias that is not an initializer and beta != 1, stays float, as does a
// Conv whose bias is not an initializer. One DynamicQuantizeLinear serves every product
// that reads the same activation.
#pragma once

#include <set>
#include <string>

namespace onnx {
class ModelProto;
}

namespace vigil::quant {

struct DynamicSummary {
  int products = 0;  // MatMul, Gemm and Conv nodes rewritten
};

DynamicSummary write_dynamic(onnx::ModelProto& model, bool per_channel, float weight_clip,
                             const std::set<std::string>& excluded, const std::string& base_dir);

}  // namespace vigil::quant

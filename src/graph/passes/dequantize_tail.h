// SPDX-License-Identifier: Apache-2.0
// The float tail that ONNX Runtime's dynamic quantizer (and `vigil quantize --dynamic`)
// writes after an integer product of an activation x quantized by DynamicQuantizeLinear:
//   product (int32) -> Cast(float) -> Mul(., Mul(x_scale, W_scale)) [-> Add(., B)]
// with W_scale and B constants. The passes that fuse such products into one integer
// operator with a float output match it here: fuse_dynamic_matmul.cc (MatMulInteger) and
// fuse_dynamic_conv.cc (ConvInteger).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "graph/passes/pass.h"

namespace vigil::passes {

struct DequantizeTail {
  std::vector<size_t> nodes;  // the Mul of the scales, the Cast, the Mul and the Add, by position
  std::string weight_scale;   // W_scale
  std::string bias;           // B, "" without an Add
  std::string output;         // the tail's last value
};

// The DynamicQuantizeLinear whose outputs are `product`'s x (input 0) and x's zero point
// (input 2), as MatMulInteger and ConvInteger read them; nullptr otherwise.
const Node* dynamic_quantization_of(const GraphIndex& index, const Node& product);

// The tail after `product` when each of its values is private to it; an Add joins it when
// its other operand is a constant that `is_bias` accepts.
std::optional<DequantizeTail> match_dequantize_tail(const Graph& graph, const GraphIndex& index, const Node& product,
                                                    const Node& quantize,
                                                    const std::function<bool(const Tensor&)>& is_bias);

}  // namespace vigil::passes

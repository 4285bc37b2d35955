// SPDX-License-Identifier: Apache-2.0
// vigil.QConv without y_scale: an integer convolution whose output is float32, as ONNX
// Runtime's dynamic quantizer writes a Conv (graph/passes/fuse_dynamic_conv.cc):
//   y[n][m] = float(conv(x - x_zero_point, w)[n][m]) x (x_scale x w_scale[m]) [+ B[m]]
// with x_scale and x_zero_point run-time values (DynamicQuantizeLinear's), the product of
// the scales and each step rounded in float32 as the unfused graph rounds them. ops/quantized/vigil_qconv.cc
// builds it for such a node.
#pragma once

#include <memory>

#include "ops/operator.h"

namespace vigil {

std::unique_ptr<Operator> create_q_conv_to_float(const OpCreateInfo& info);

}  // namespace vigil

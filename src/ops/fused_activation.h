// SPDX-License-Identifier: Apache-2.0
// The activation of vigil's fused nodes (domain "vigil": FusedConv, FusedGemm,
// FusedMatMul), which the fusion passes write: attribute `activation` names it ("Relu",
// "Clip", "LeakyRelu", "Sigmoid", "Tanh", "Gelu", "HardSigmoid"; absent for none) and
// `activation_params` holds its numbers (Clip: min, max; LeakyRelu: alpha; HardSigmoid:
// alpha, beta), as in ONNX Runtime's com.microsoft FusedConv. The kernels apply it in the
// GEMM epilogue.
#pragma once

#include <string>

#include "graph/attribute.h"
#include "kernels/epilogue.h"

namespace vigil {

// The activation the attributes describe; a bad-input Error naming `what` for an unknown
// name or a wrong number of parameters. `attribute` names the pair: vigil.QConv with a
// fused residual Add also carries the Add's own as `sum_activation`, `sum_activation_params`.
kernels::ActivationSpec read_fused_activation(const Attributes& attributes, const std::string& what,
                                              const std::string& attribute = "activation");

// The attribute values that describe `activation` (the inverse, for the passes).
std::string fused_activation_name(kernels::Activation activation);

}  // namespace vigil

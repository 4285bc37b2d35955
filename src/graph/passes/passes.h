// SPDX-License-Identifier: Apache-2.0
// The graph passes, one per file under graph/passes/. Each rewrites `graph` in place and
// returns how many rewrites it made; runtime/graph_optimizer.cc runs them in order
// (docs/optimizations.md describes each pattern and when it applies).
#pragma once

#include "graph/graph.h"

namespace vigil::passes {

int remove_identity(Graph& graph);       // remove_identity.cc: Identity, inference-mode Dropout
int fold_batch_norm(Graph& graph);       // fold_batch_norm.cc: BatchNormalization into Conv / Gemm
int fuse_layer_norm(Graph& graph);       // fuse_layer_norm.cc: decomposed LayerNormalization
int fuse_gelu(Graph& graph);             // fuse_gelu.cc: x * 0.5 * (1 + erf(x / sqrt 2)) -> vigil.Gelu
int fuse_conv_activation(Graph& graph);  // fuse_conv_activation.cc: Conv [+ Add] [+ activation] -> vigil.FusedConv
int fuse_matmul(Graph& graph);  // fuse_matmul.cc: MatMul scale, bias, residual, activation -> vigil.FusedMatMul
int fuse_gemm_activation(Graph& graph);  // fuse_matmul.cc: Gemm + activation -> vigil.FusedGemm
int lower_qonnx(Graph& graph);           // lower_qonnx.cc: QONNX Quant -> [Clip] QuantizeLinear DequantizeLinear
int fuse_qdq(Graph& graph);              // fuse_qdq.cc: DequantizeLinear -> op -> QuantizeLinear -> integer operators
int lift_qlinear(Graph& graph);          // lift_qlinear.cc: QLinearConv, QLinearMatMul -> vigil.QConv, vigil.QGemm
int fuse_q_conv_residual(Graph& graph);  // fuse_q_conv_residual.cc: QConv -> QAdd -> QConv with a residual
// fuse_dynamic_matmul.cc: DynamicQuantizeLinear, then MatMulInteger -> Cast -> scale [-> bias]
// or com.microsoft MatMulIntegerToFloat; com.microsoft DynamicQuantizeMatMul -> vigil.QGemm
int fuse_dynamic_matmul(Graph& graph);
// fuse_dynamic_conv.cc: DynamicQuantizeLinear, then ConvInteger -> Cast -> scale [-> bias]
// -> vigil.QConv with a float output
int fuse_dynamic_conv(Graph& graph);

}  // namespace vigil::passes

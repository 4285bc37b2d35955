// SPDX-License-Identifier: Apache-2.0
// The operator families. Each function, defined in the family's own file, adds that
// family's operators to the registry; registry.cc calls every one of them.
#pragma once

namespace vigil {

class OpRegistry;

void register_unary_operators(OpRegistry& registry);          // unary_ops.cc: math, activations
void register_binary_operators(OpRegistry& registry);         // binary_ops.cc: arithmetic, comparison, logic
void register_variadic_operators(OpRegistry& registry);       // variadic_ops.cc: Sum, Mean, Max, Min, Where
void register_cast_operators(OpRegistry& registry);           // cast_ops.cc: Cast, CastLike
void register_conv_operators(OpRegistry& registry);           // conv.cc, conv_transpose.cc
void register_pool_operators(OpRegistry& registry);           // pool.cc
void register_normalization_operators(OpRegistry& registry);  // normalization.cc
void register_matmul_operators(OpRegistry& registry);         // matmul.cc: MatMul, Gemm, Einsum
void register_softmax_operators(OpRegistry& registry);        // softmax.cc: Softmax, LogSoftmax, Hardmax, losses
void register_reduce_operators(OpRegistry& registry);         // reduce.cc, arg_reduce.cc
void register_shape_operators(OpRegistry& registry);          // shape_ops.cc: Reshape, Flatten, Squeeze, ...
void register_tensor_operators(OpRegistry& registry);         // tensor_ops.cc: Concat, Split, Slice, Transpose, ...
void register_index_operators(OpRegistry& registry);          // index_ops.cc: Gather*, Scatter*, OneHot, ...
void register_generator_operators(OpRegistry& registry);      // generator_ops.cc: Constant, Range, ...
void register_resize_operators(OpRegistry& registry);         // resize.cc
void register_ordering_operators(OpRegistry& registry);       // ordering_ops.cc: TopK, NonZero, Unique, CumSum, Trilu
void register_string_operators(OpRegistry& registry);         // string_ops.cc: StringNormalizer
void register_detection_operators(OpRegistry& registry);  // detection_ops.cc: NonMaxSuppression, RoiAlign, GridSample
void register_recurrent_operators(OpRegistry& registry);  // recurrent_ops.cc: RNN, GRU, LSTM
void register_signal_operators(OpRegistry& registry);     // signal_ops.cc: DFT, STFT, windows, MelWeightMatrix
void register_linalg_operators(OpRegistry& registry);     // linalg_ops.cc: Det
void register_text_operators(OpRegistry& registry);       // text_ops.cc: TfIdfVectorizer
// The quantized operators (ops/quantized/), each file named for what it runs:
void register_quantize_linear_operators(OpRegistry& registry);          // QuantizeLinear, DequantizeLinear, Dynamic...
void register_qlinear_matmul_operators(OpRegistry& registry);           // MatMulInteger, QLinearMatMul
void register_qlinear_conv_operators(OpRegistry& registry);             // ConvInteger, QLinearConv
void register_qlinear_elementwise_operators(OpRegistry& registry);      // com.microsoft QLinearAdd, QLinearMul, ...
void register_matmul_integer_to_float_operators(OpRegistry& registry);  // com.microsoft MatMulIntegerToFloat, QGemm
void register_onnxruntime_fused_operators(OpRegistry& registry);  // com.microsoft FusedMatMul, SkipLayerNormalization
void register_vigil_qconv_operator(OpRegistry& registry);               // vigil.QConv (QDQ Conv groups)
void register_vigil_qgemm_operator(OpRegistry& registry);               // vigil.QGemm (QDQ Gemm and MatMul groups)
void register_vigil_qadd_operator(OpRegistry& registry);                // vigil.QAdd (QDQ Add groups)
void register_qonnx_quant_operators(OpRegistry& registry);              // QONNX Quant, BipolarQuant, Trunc

}  // namespace vigil

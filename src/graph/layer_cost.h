// SPDX-License-Identifier: Apache-2.0
// The cost of one layer in the metrics of Sze et al.: multiply-accumulates, arithmetic
// operations, and the bytes it reads (inputs, weights included) and writes. It reads only
// shapes, so the profiler, `vigil info` and the accelerator model all count the same way.
// Formulas (|x| is the element count of x, K the kernel's spatial volume):
//   Conv:           MACs = |output| * (C / group) * K
//   ConvTranspose:  MACs = |input| * (M / group) * K
//   MatMul, Gemm:   MACs = |output| * (the reduced dimension)
//   vigil.FusedConv, FusedMatMul, FusedGemm: as Conv, MatMul, Gemm
//   integer forms: QLinearConv, ConvInteger, vigil.QConv as Conv; QLinearMatMul,
//   MatMulInteger, vigil.QGemm, com.microsoft QGemm as MatMul; vigil.QAdd,
//   com.microsoft QLinearAdd as Add (weights and operands at their own inputs)
//   ops = 2 * MACs for those (a multiply-add is two operations; bias and fused
//   activation are not counted), and for the rest, which have no MACs:
//     elementwise arithmetic (Add, Relu, Sigmoid, Clip, Erf, vigil.Gelu, ...): |output|
//     BatchNormalization: 2 |output|   Softmax, LogSoftmax: 4 |input|
//     LayerNormalization: 7 |input|    (mean, centre, square, sum, scale, gain, bias)
//     MaxPool, AveragePool: |output| * K   GlobalAveragePool, GlobalMaxPool, Reduce*: |input|
//     data movement (Reshape, Transpose, Concat, Gather, ...): 0
//   bytes read = sum of input sizes; bytes written = sum of output sizes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/shape.h"
#include "graph/graph.h"

namespace vigil {

struct TensorShapeAndType {
  Shape shape;
  DType dtype = DType::Undefined;
};

struct LayerCost {
  int64_t macs = 0;
  int64_t ops = 0;
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
  int64_t bytes() const { return bytes_read + bytes_written; }
};

LayerCost layer_cost(const Node& node, const std::vector<TensorShapeAndType>& inputs,
                     const std::vector<TensorShapeAndType>& outputs);

}  // namespace vigil

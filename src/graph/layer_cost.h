// The cost of one layer in the metrics of Sze et al.: multiply-accumulates and the bytes
// it reads (inputs, weights included) and writes. It reads only shapes, so the profiler,
// `vigil info` and the accelerator model all count the same way. Formulas:
//   Conv:           MACs = |output| * (C / group) * prod(kernel)
//   ConvTranspose:  MACs = |input| * (M / group) * prod(kernel)
//   MatMul, Gemm:   MACs = |output| * K (the reduced dimension)
//   vigil.FusedConv, FusedMatMul, FusedGemm: as Conv, MatMul, Gemm
//   Einsum, other:  0 MACs (only data movement or elementwise work)
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
  int64_t bytes_read = 0;
  int64_t bytes_written = 0;
};

LayerCost layer_cost(const Node& node, const std::vector<TensorShapeAndType>& inputs,
                     const std::vector<TensorShapeAndType>& outputs);

}  // namespace vigil

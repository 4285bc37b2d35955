// SPDX-License-Identifier: Apache-2.0
// Which parts of a float ONNX graph static quantization touches, decided from the graph
// alone before any calibration, following ONNX Runtime's QDQ quantizer:
//   - quantized nodes: Conv, Gemm, MatMul, Add, Mul, MaxPool, AveragePool,
//     GlobalAveragePool, Concat, Relu, Clip, Reshape, Flatten, Transpose, unless excluded;
//   - activations (tensors that get QuantizeLinear -> DequantizeLinear): the data inputs of
//     quantized nodes and the outputs of quantized nodes that some node reads, except the
//     output of a Conv, Gemm, MatMul, Add or Mul whose only reader is a quantized Relu or
//     Clip (the activation is quantized after it, not between);
//   - pass-through outputs (MaxPool, Reshape, Flatten, Transpose) take their input's scale;
//   - weights: float initializers read as Conv's W (per channel along axis 0), Gemm's B
//     (axis 0 with transB, else 1) or MatMul's B (its last axis), per tensor otherwise;
//     other float initializers read by quantized nodes (an Add's constant) are quantized
//     like weights, per tensor;
//   - biases: Conv's B and Gemm's C (1-D, one per output channel, beta 1), as int32.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
}

namespace vigil::quant {

struct QdqPlan {
  struct Bias {
    std::string name;    // the float initializer
    std::string input;   // the activation whose scale it takes
    std::string weight;  // the quantized weight whose scales it takes
  };
  std::set<size_t> quantized_nodes;            // indices into graph.node()
  std::set<std::string> excluded;              // node names kept in float
  std::vector<std::string> activations;        // in the order they are produced
  std::map<std::string, std::string> same_as;  // pass-through output -> its input
  std::map<std::string, int64_t> weights;      // initializer -> axis (-1: per tensor)
  std::vector<Bias> biases;
  // The quantized inputs of each quantized node: index -> tensor name.
  std::map<size_t, std::map<int, std::string>> quantized_inputs;
  // Weights and activations of fewer than 8 bits, written as QONNX (quant/low_bit_widths.h);
  // every other one has 8.
  std::map<std::string, int> low_bits;
  int bits_of(const std::string& tensor) const {
    const auto it = low_bits.find(tensor);
    return it == low_bits.end() ? 8 : it->second;
  }
};

// `exclude` names nodes to keep in float: a bad-input Error naming --exclude if one is not
// a node of the graph. A graph that already holds QuantizeLinear or DequantizeLinear is
// refused. `per_channel` false gives every weight one scale.
QdqPlan plan_qdq(const onnx::GraphProto& graph, bool per_channel, const std::vector<std::string>& exclude);

}  // namespace vigil::quant

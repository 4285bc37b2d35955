// SPDX-License-Identifier: Apache-2.0
// `vigil quantize --bits W/A`: which weights and activations of a QDQ plan (qdq_plan.h)
// post-training quantization writes with fewer than 8 bits, as QONNX Quant nodes. Every
// Conv, Gemm and MatMul with a quantized weight (a "product") gets W-bit weights and
// reads A-bit activations, except the first and the last product in node order, which
// stay at 8 bits as low-bit networks usually keep them; `--layer-bits NODE=W/A` sets one
// product's widths, the first and last included. A tensor read by several products takes
// the widest width any of them asks for (8 when one of them is an 8-bit product), so one
// Quant serves all its readers; a pass-through output (MaxPool, Reshape...) has its
// input's. The widths go into QdqPlan::low_bits, which calibration (the activations'
// scales over 2^A - 1 steps) and the QONNX writer read.
#pragma once

#include <map>
#include <string>

#include "quant/qdq_plan.h"

namespace onnx {
class GraphProto;
}

namespace vigil::quant {

struct LayerWidths {
  int weights = 8;      // 1 (BipolarQuant, +-1 x a scale per channel) to 8
  int activations = 8;  // 1 to 8, unsigned below 8 (a zero point where the range is not from zero)
  bool low() const { return weights < 8 || activations < 8; }
};

// "W/A" (each 1 to 8) as widths; a bad-input Error naming `flag` otherwise.
LayerWidths parse_layer_widths(const std::string& text, const std::string& flag);

// Fills plan.low_bits (and returns the products given low widths, by node name). A name in
// `overrides` that is not a product of the plan is a bad-input Error naming --layer-bits.
std::map<std::string, LayerWidths> plan_low_bit_widths(const onnx::GraphProto& graph, QdqPlan& plan, LayerWidths widths,
                                                       const std::map<std::string, LayerWidths>& overrides);

}  // namespace vigil::quant

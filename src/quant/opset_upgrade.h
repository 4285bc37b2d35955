// SPDX-License-Identifier: Apache-2.0
// Quantized models need ONNX opset 13 (per-axis DequantizeLinear; QuantizeLinear from 10,
// DynamicQuantizeLinear from 11). `vigil quantize` upgrades an older model first, as ONNX
// Runtime's quantizer does, with the onnx library's version converter. Some of its
// adapters need the shapes of the values they touch (Softmax 12 -> 13 decides from the
// input's rank whether to flatten around it), which many exported files do not carry, so
// shape inference runs first (in a child process, as at load) and supplies them.
#pragma once

#include <cstdint>
#include <string>

namespace onnx {
class ModelProto;
}

namespace vigil::quant {

// The opset the quantizer writes.
constexpr int64_t kQuantizedOpset = 13;

// Upgrades `model` (read from `path`) to kQuantizedOpset when it imports an older default
// opset; returns the opset it imported, or 0 when it needed no upgrade. A model the
// converter cannot upgrade is a bad-input Error naming the file and both opsets.
int64_t upgrade_for_quantization(onnx::ModelProto& model, const std::string& path);

}  // namespace vigil::quant

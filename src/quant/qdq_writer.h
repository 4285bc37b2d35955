// SPDX-License-Identifier: Apache-2.0
// Writing a QDQ model: the plan (qdq_plan.h) with calibrated scales applied to the
// original ModelProto, in the layout ONNX Runtime's static quantizer writes (QuantFormat
// QDQ). Each quantized activation T gets T -> QuantizeLinear -> DequantizeLinear right
// after it is produced, and the quantized nodes (and other nodes that are not excluded)
// read the DequantizeLinear's output; weights are stored as int8 initializers read
// through a DequantizeLinear (per-axis for per-channel scales), biases as int32
// initializers with scale input_scale x weight_scale and zero point 0. The float
// initializers replaced are dropped; graph inputs and outputs keep their names and float
// types.
#pragma once

#include <map>
#include <string>

#include "quant/affine_quantization.h"
#include "quant/qdq_plan.h"

namespace onnx {
class ModelProto;
}

namespace vigil::quant {

// QDQ (the default): the standard operators above. QONNX: each quantized tensor instead
// gets one Quant node of the QONNX dialect (domain qonnx.custom_op.general: scale, zero
// point and bit width as inputs, attributes signed, narrow, rounding_mode), weights and
// biases stay float initializers quantized by their Quant, as QONNX tools (FINN, Brevitas
// export) read them; vigil itself does not run the Quant operator.
enum class QuantFormat { Qdq, Qonnx };
inline constexpr const char* kQonnxDomain = "qonnx.custom_op.general";

struct QdqSummary {
  int quantized_nodes = 0;
  int activations = 0;  // QuantizeLinear -> DequantizeLinear pairs
  int weights = 0;      // int8 initializers
  int biases = 0;       // int32 initializers
};

// `activations` maps each activation of the plan that is quantized to its parameters
// (an activation left out stays float). `base_dir` locates external initializer data.
QdqSummary write_qdq(onnx::ModelProto& model, const QdqPlan& plan,
                     const std::map<std::string, ScaleZeroPoint>& activations, const ActivationScheme& scheme,
                     float weight_clip, const std::string& base_dir, QuantFormat format = QuantFormat::Qdq);

}  // namespace vigil::quant

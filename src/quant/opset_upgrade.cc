// SPDX-License-Identifier: Apache-2.0
// The opset upgrade before quantization (quant/opset_upgrade.h).
#include "quant/opset_upgrade.h"

#include <exception>

#include "core/error.h"
#include "onnx/checker.h"
#include "onnx/onnx_pb.h"
#include "onnx/version_converter/convert.h"
#include "onnx_io/isolated_shape_inference.h"

namespace vigil::quant {

int64_t upgrade_for_quantization(onnx::ModelProto& model, const std::string& path) {
  int64_t imported = 0;
  for (const auto& opset : model.opset_import()) {
    if (opset.domain().empty() || opset.domain() == "ai.onnx") imported = opset.version();
  }
  if (imported == 0 || imported >= kQuantizedOpset) return 0;
  // Without shapes some adapters refuse; if inference fails, the converter says what it lacks.
  infer_shapes_isolated(model);
  try {
    model = onnx::version_conversion::ConvertVersion(model, static_cast<int>(kQuantizedOpset));
    onnx::checker::check_model(model);
  } catch (const std::exception& e) {
    fail_bad_input(path, ": the model imports ONNX opset ", imported, ", and upgrading it to opset ", kQuantizedOpset,
                   " for quantization failed: ", e.what());
  }
  return imported;
}

}  // namespace vigil::quant

// SPDX-License-Identifier: Apache-2.0
// ONNX shape inference, run in a child process. The onnx library's inference functions
// trust attribute values and ranks that the checker does not verify (a zero stride
// divides by zero, a short pads list is read past its end), so a malformed model could
// stop vigil with a signal. The child runs onnx::shape_inference::InferShapes and sends
// back the inferred value_info; if it fails or dies, the caller hears why in one line and
// goes on without the inferred shapes (vigil's operators compute shapes at run time).
#pragma once

#include <string>

namespace onnx {
class ModelProto;
}

namespace vigil {

// Adds the inferred value_info to `model`'s graph. Returns "" on success, otherwise
// what went wrong, in words.
std::string infer_shapes_isolated(onnx::ModelProto& model);

}  // namespace vigil

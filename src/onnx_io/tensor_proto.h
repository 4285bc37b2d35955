// SPDX-License-Identifier: Apache-2.0
// Conversion between ONNX TensorProto messages and vigil Tensors, for initializers,
// Constant attributes and the .pb test-data files: typed fields, raw_data (little-endian),
// external data stored in files beside the model, and string_data for string tensors.
#pragma once

#include <string>

#include "core/tensor.h"

namespace onnx {
class TensorProto;
}

namespace vigil {

// `base_dir` resolves external-data locations; `what` names the tensor in errors.
Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir, const std::string& what);
void tensor_to_proto(const Tensor& tensor, onnx::TensorProto& proto);

// Reads a file holding one serialized TensorProto (the ONNX test-data format); the
// tensor's name is returned through `name` when given.
Tensor read_tensor_pb_file(const std::string& path, std::string* name = nullptr);
// Writes one serialized TensorProto; atomically (temporary file, then rename).
void write_tensor_pb_file(const Tensor& tensor, const std::string& name, const std::string& path);

}  // namespace vigil

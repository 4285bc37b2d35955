// SPDX-License-Identifier: Apache-2.0
// The ONNX test-data files for values that are not plain tensors: a SequenceProto (a
// list of TensorProtos) or an OptionalProto (empty, a tensor or a sequence), read into
// Values. Used for the inputs and expected outputs of the backend suite's sequence and
// optional cases.
#pragma once

#include <string>

#include "core/value.h"

namespace onnx {
class SequenceProto;
class OptionalProto;
}  // namespace onnx

namespace vigil {

// Sequences of tensors only; `what` names the value in errors.
Value value_from_sequence_proto(const onnx::SequenceProto& proto, const std::string& what);
// An empty optional, or one holding a tensor or a sequence of tensors.
Value value_from_optional_proto(const onnx::OptionalProto& proto, const std::string& what);

// Files holding one serialized SequenceProto or OptionalProto.
Value read_sequence_pb_file(const std::string& path);
Value read_optional_pb_file(const std::string& path);

}  // namespace vigil

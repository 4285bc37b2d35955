// SPDX-License-Identifier: Apache-2.0
// SequenceProto / OptionalProto -> Value.
#include "onnx_io/value_proto.h"

#include <filesystem>

#include "core/file_io.h"
#include "onnx/onnx_pb.h"  // defines ONNX_API, which the next block needs
#include "onnx_io/model_import.h"

#include "onnx/onnx-data.pb.h"
#include "onnx_io/tensor_proto.h"

namespace vigil {

Value value_from_sequence_proto(const onnx::SequenceProto& proto, const std::string& what) {
  check_input(proto.elem_type() == onnx::SequenceProto::TENSOR ||
                  (proto.elem_type() == onnx::SequenceProto::UNDEFINED && proto.tensor_values_size() == 0),
              what, ": only sequences of tensors are supported");
  std::vector<Tensor> elements;
  for (const auto& tensor : proto.tensor_values()) elements.push_back(tensor_from_proto(tensor, "", what));
  return Value::sequence(std::move(elements));
}

Value value_from_optional_proto(const onnx::OptionalProto& proto, const std::string& what) {
  if (proto.has_tensor_value()) return Value::some(tensor_from_proto(proto.tensor_value(), "", what));
  if (proto.has_sequence_value()) return Value::some(value_from_sequence_proto(proto.sequence_value(), what));
  check_input(proto.elem_type() == onnx::OptionalProto::TENSOR || proto.elem_type() == onnx::OptionalProto::SEQUENCE ||
                  proto.elem_type() == onnx::OptionalProto::UNDEFINED,
              what, ": only optionals of tensors and sequences are supported");
  return Value::none();
}

namespace {
template <class Proto>
Proto parse_file(const std::string& path, const char* kind) {
  Proto proto;
  check_input(parse_protobuf(read_file(path, kMaxProtobufBytes), proto), path, ": not a serialized ONNX ", kind);
  return proto;
}
}  // namespace

Value read_sequence_pb_file(const std::string& path) {
  return value_from_sequence_proto(parse_file<onnx::SequenceProto>(path, "SequenceProto"), path);
}

Value read_optional_pb_file(const std::string& path) {
  return value_from_optional_proto(parse_file<onnx::OptionalProto>(path, "OptionalProto"), path);
}

}  // namespace vigil

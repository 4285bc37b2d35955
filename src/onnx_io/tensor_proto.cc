// SPDX-License-Identifier: Apache-2.0
// TensorProto <-> Tensor.
#include "onnx_io/tensor_proto.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "core/file_io.h"
#include "onnx/onnx_pb.h"
#include "onnx_io/model_import.h"

namespace vigil {

namespace {

// Copies a repeated typed field (of the tensor's element count) into the tensor.
template <class T, class Field>
void copy_field(const Field& field, Tensor& tensor) {
  T* out = static_cast<T*>(tensor.raw());
  for (int i = 0; i < field.size(); ++i) out[i] = static_cast<T>(field.Get(i));
}

// float16 and bfloat16 values travel in int32_data, one per element.
void copy_16bit_field(const onnx::TensorProto& proto, Tensor& tensor) {
  uint16_t* out = static_cast<uint16_t*>(tensor.raw());
  for (int i = 0; i < proto.int32_data_size(); ++i) out[i] = static_cast<uint16_t>(proto.int32_data(i));
}

void copy_typed_fields(const onnx::TensorProto& proto, Tensor& tensor) {
  switch (tensor.dtype()) {
    case DType::Float32: copy_field<float>(proto.float_data(), tensor); break;
    case DType::Float64: copy_field<double>(proto.double_data(), tensor); break;
    case DType::Int64: copy_field<int64_t>(proto.int64_data(), tensor); break;
    case DType::UInt64: copy_field<uint64_t>(proto.uint64_data(), tensor); break;
    case DType::UInt32: copy_field<uint32_t>(proto.uint64_data(), tensor); break;
    case DType::Int32: copy_field<int32_t>(proto.int32_data(), tensor); break;
    case DType::Int16: copy_field<int16_t>(proto.int32_data(), tensor); break;
    case DType::UInt16: copy_field<uint16_t>(proto.int32_data(), tensor); break;
    case DType::Int8: copy_field<int8_t>(proto.int32_data(), tensor); break;
    case DType::UInt8: copy_field<uint8_t>(proto.int32_data(), tensor); break;
    case DType::Bool: copy_field<bool>(proto.int32_data(), tensor); break;
    case DType::Float16:
    case DType::BFloat16: copy_16bit_field(proto, tensor); break;
    default: break;  // refused by typed_field_count
  }
}

// How many values the typed field that carries `dtype` holds.
int64_t typed_field_count(const onnx::TensorProto& proto, DType dtype, const std::string& what) {
  switch (dtype) {
    case DType::Float32: return proto.float_data_size();
    case DType::Float64: return proto.double_data_size();
    case DType::Int64: return proto.int64_data_size();
    case DType::UInt64:
    case DType::UInt32: return proto.uint64_data_size();
    case DType::Int32:
    case DType::Int16:
    case DType::UInt16:
    case DType::Int8:
    case DType::UInt8:
    case DType::Bool:
    case DType::Float16:
    case DType::BFloat16: return proto.int32_data_size();
    default: fail_unsupported(what, ": element type ", dtype_name(dtype), " is not supported");
  }
}

// Where a tensor's external data lies.
struct ExternalData {
  std::string path;
  int64_t offset = 0;
  int64_t length = -1;  // -1: as long as the shape needs
};

int64_t parse_count(const std::string& text, const std::string& what, const std::string& key) {
  int64_t value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  check_input(error == std::errc() && end == text.data() + text.size() && value >= 0, what, ": external data ", key,
              " '", text, "' is not a count of bytes");
  return value;
}

ExternalData external_data_of(const onnx::TensorProto& proto, const std::string& base_dir, const std::string& what) {
  ExternalData data;
  std::string location;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    if (entry.key() == "offset") data.offset = parse_count(entry.value(), what, "offset");
    if (entry.key() == "length") data.length = parse_count(entry.value(), what, "length");
  }
  check_input(!location.empty(), what, ": external data without a location");
  const std::filesystem::path relative(location);
  check_input(relative.is_relative() && location.find("..") == std::string::npos, what, ": external data location '",
              location, "' must be a relative path inside the model's folder");
  data.path = (std::filesystem::path(base_dir) / relative).string();
  // A symbolic link inside the folder may point anywhere: the file it resolves to must lie
  // inside the model's folder too, and be a regular file.
  std::error_code error;
  const std::filesystem::path folder = std::filesystem::canonical(base_dir.empty() ? "." : base_dir, error);
  const std::filesystem::path real = std::filesystem::canonical(data.path, error);
  check_input(!error, what, ": cannot open external data file '", data.path, "'");
  const auto [folder_end, unused] = std::mismatch(folder.begin(), folder.end(), real.begin(), real.end());
  check_input(folder_end == folder.end(), what, ": external data location '", location, "' leads to ", real.string(),
              ", outside the model's folder");
  check_input(std::filesystem::is_regular_file(real), what, ": external data location '", location,
              "' is not a regular file");
  const auto file_size = std::filesystem::file_size(real, error);
  check_input(!error, what, ": cannot open external data file '", data.path, "'");
  const int64_t available = static_cast<int64_t>(file_size) - data.offset;
  if (data.length < 0) data.length = std::max<int64_t>(available, 0);
  check_input(data.length <= available, what, ": external data file '", data.path, "' is shorter than offset ",
              data.offset, " + length ", data.length);
  return data;
}

void read_external_data(const ExternalData& data, Tensor& tensor, const std::string& what) {
  std::ifstream file(data.path, std::ios::binary);
  check_input(file.good(), what, ": cannot open external data file '", data.path, "'");
  file.seekg(data.offset);
  file.read(static_cast<char*>(tensor.raw()), static_cast<std::streamsize>(tensor.nbytes()));
  check_input(file.gcount() == static_cast<std::streamsize>(tensor.nbytes()), what,
              ": cannot read external data file '", data.path, "'");
}

// Strings travel in string_data only (raw_data cannot hold them).
Tensor strings_from_proto(const onnx::TensorProto& proto, Shape shape, const std::string& what) {
  check_input(static_cast<int64_t>(proto.string_data_size()) == shape_numel(shape), what, ": holds ",
              proto.string_data_size(), " strings, its shape ", shape_to_string(shape), " needs ", shape_numel(shape));
  Tensor tensor(DType::String, std::move(shape));
  std::string* out = tensor.data<std::string>();
  for (int i = 0; i < proto.string_data_size(); ++i) out[i] = proto.string_data(i);
  return tensor;
}

}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir, const std::string& what) {
  Shape shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape) check_input(d >= 0, what, ": negative dimension in ", shape_to_string(shape));
  const int64_t count = shape_numel(shape, what.c_str());
  const auto dtype = static_cast<DType>(proto.data_type());
  if (dtype == DType::String) return strings_from_proto(proto, std::move(shape), what);
  const int64_t element_size = static_cast<int64_t>(dtype_size(dtype));
  check_input(element_size > 0, what, ": element type ", dtype_name(dtype), " is not supported");

  // The data present must match the shape before anything is allocated, so that a
  // malformed file cannot ask for more memory than it holds.
  const std::string needs = str_cat("its shape ", shape_to_string(shape), " of ", dtype_name(dtype), " needs ");
  check_input(count <= std::numeric_limits<int64_t>::max() / element_size, what, ": ", needs, "too many bytes");
  const int64_t bytes = count * element_size;
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    const ExternalData data = external_data_of(proto, base_dir, what);
    check_input(data.length == bytes, what, ": external data holds ", data.length, " bytes, ", needs, bytes);
    Tensor tensor(dtype, shape);
    read_external_data(data, tensor, what);
    return tensor;
  }
  if (proto.has_raw_data()) {
    check_input(static_cast<int64_t>(proto.raw_data().size()) == bytes, what, ": holds ", proto.raw_data().size(),
                " bytes, ", needs, bytes);
    Tensor tensor(dtype, shape);
    if (bytes) std::memcpy(tensor.raw(), proto.raw_data().data(), static_cast<size_t>(bytes));
    return tensor;
  }
  const int64_t values = typed_field_count(proto, dtype, what);
  check_input(values == count, what, ": holds ", values, " values, ", needs, count);
  Tensor tensor(dtype, shape);
  copy_typed_fields(proto, tensor);
  return tensor;
}

void tensor_to_proto(const Tensor& tensor, onnx::TensorProto& proto) {
  proto.set_data_type(static_cast<int32_t>(tensor.dtype()));
  proto.clear_dims();
  for (int64_t d : tensor.shape()) proto.add_dims(d);
  proto.clear_string_data();
  if (tensor.dtype() == DType::String) {
    const std::string* strings = tensor.data<std::string>();
    for (int64_t i = 0; i < tensor.numel(); ++i) proto.add_string_data(strings[i]);
    return;
  }
  proto.set_raw_data(std::string(static_cast<const char*>(tensor.raw()), tensor.nbytes()));
}

Tensor read_tensor_pb_file(const std::string& path, std::string* name) {
  const std::string bytes = read_file(path, kMaxProtobufBytes);
  onnx::TensorProto proto;
  check_input(parse_protobuf(bytes, proto), path, ": not a serialized ONNX TensorProto");
  if (name) *name = proto.name();
  return tensor_from_proto(proto, std::filesystem::path(path).parent_path().string(), path);
}

void write_tensor_pb_file(const Tensor& tensor, const std::string& name, const std::string& path) {
  onnx::TensorProto proto;
  proto.set_name(name);
  tensor_to_proto(tensor, proto);
  write_file_atomically(path, proto.SerializeAsString());
}

}  // namespace vigil

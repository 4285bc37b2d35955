// TensorProto <-> Tensor.
#include "onnx/tensor_proto.h"

#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/file_io.h"
#include "onnx/onnx_pb.h"

namespace vigil {

namespace {

// Copies a repeated typed field into the tensor, converting each element.
template <class T, class Field>
void copy_field(const Field& field, Tensor& tensor, const std::string& what) {
  check_input(static_cast<int64_t>(field.size()) == tensor.numel(), what, ": holds ", field.size(),
              " values, its shape ", shape_to_string(tensor.shape()), " needs ", tensor.numel());
  T* out = static_cast<T*>(tensor.raw());
  for (int i = 0; i < field.size(); ++i) out[i] = static_cast<T>(field.Get(i));
}

// float16 and bfloat16 values travel in int32_data, one per element.
void copy_16bit_field(const onnx::TensorProto& proto, Tensor& tensor, const std::string& what) {
  check_input(static_cast<int64_t>(proto.int32_data_size()) == tensor.numel(), what, ": holds ",
              proto.int32_data_size(), " values, its shape needs ", tensor.numel());
  uint16_t* out = static_cast<uint16_t*>(tensor.raw());
  for (int i = 0; i < proto.int32_data_size(); ++i) out[i] = static_cast<uint16_t>(proto.int32_data(i));
}

void copy_typed_fields(const onnx::TensorProto& proto, Tensor& tensor, const std::string& what) {
  switch (tensor.dtype()) {
    case DType::Float32: copy_field<float>(proto.float_data(), tensor, what); break;
    case DType::Float64: copy_field<double>(proto.double_data(), tensor, what); break;
    case DType::Int64: copy_field<int64_t>(proto.int64_data(), tensor, what); break;
    case DType::UInt64: copy_field<uint64_t>(proto.uint64_data(), tensor, what); break;
    case DType::UInt32: copy_field<uint32_t>(proto.uint64_data(), tensor, what); break;
    case DType::Int32: copy_field<int32_t>(proto.int32_data(), tensor, what); break;
    case DType::Int16: copy_field<int16_t>(proto.int32_data(), tensor, what); break;
    case DType::UInt16: copy_field<uint16_t>(proto.int32_data(), tensor, what); break;
    case DType::Int8: copy_field<int8_t>(proto.int32_data(), tensor, what); break;
    case DType::UInt8: copy_field<uint8_t>(proto.int32_data(), tensor, what); break;
    case DType::Bool: copy_field<bool>(proto.int32_data(), tensor, what); break;
    case DType::Float16: case DType::BFloat16: copy_16bit_field(proto, tensor, what); break;
    default: fail_unsupported(what, ": element type ", dtype_name(tensor.dtype()), " is not supported");
  }
}

void copy_bytes(const std::string& bytes, Tensor& tensor, const std::string& what) {
  check_input(bytes.size() == tensor.nbytes(), what, ": holds ", bytes.size(), " bytes, its shape ",
              shape_to_string(tensor.shape()), " of ", dtype_name(tensor.dtype()), " needs ", tensor.nbytes());
  if (!bytes.empty()) std::memcpy(tensor.raw(), bytes.data(), bytes.size());
}

void read_external_data(const onnx::TensorProto& proto, Tensor& tensor, const std::string& base_dir,
                        const std::string& what) {
  std::string location;
  int64_t offset = 0;
  int64_t length = -1;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    if (entry.key() == "offset") offset = std::stoll(entry.value());
    if (entry.key() == "length") length = std::stoll(entry.value());
  }
  check_input(!location.empty(), what, ": external data without a location");
  const std::filesystem::path relative(location);
  check_input(relative.is_relative() && location.find("..") == std::string::npos, what,
              ": external data location '", location, "' must be a relative path inside the model's folder");
  const std::string path = (std::filesystem::path(base_dir) / relative).string();
  if (length < 0) length = static_cast<int64_t>(tensor.nbytes());
  check_input(static_cast<size_t>(length) == tensor.nbytes(), what, ": external data length ", length,
              " does not match its shape (", tensor.nbytes(), " bytes)");
  std::ifstream file(path, std::ios::binary);
  check_input(file.good(), what, ": cannot open external data file '", path, "'");
  file.seekg(offset);
  file.read(static_cast<char*>(tensor.raw()), length);
  check_input(file.gcount() == length, what, ": external data file '", path, "' is shorter than offset ",
              offset, " + length ", length);
}

// Strings travel in string_data only (raw_data cannot hold them).
Tensor strings_from_proto(const onnx::TensorProto& proto, Shape shape, const std::string& what) {
  Tensor tensor(DType::String, std::move(shape));
  check_input(static_cast<int64_t>(proto.string_data_size()) == tensor.numel(), what, ": holds ",
              proto.string_data_size(), " strings, its shape ", shape_to_string(tensor.shape()), " needs ",
              tensor.numel());
  std::string* out = tensor.data<std::string>();
  for (int i = 0; i < proto.string_data_size(); ++i) out[i] = proto.string_data(i);
  return tensor;
}

}  // namespace

Tensor tensor_from_proto(const onnx::TensorProto& proto, const std::string& base_dir, const std::string& what) {
  Shape shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape) check_input(d >= 0, what, ": negative dimension in ", shape_to_string(shape));
  const auto dtype = static_cast<DType>(proto.data_type());
  if (dtype == DType::String) return strings_from_proto(proto, std::move(shape), what);
  check_input(dtype_size(dtype) > 0, what, ": element type ", dtype_name(dtype), " is not supported");
  Tensor tensor(dtype, shape);
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    read_external_data(proto, tensor, base_dir, what);
  } else if (proto.has_raw_data()) {
    copy_bytes(proto.raw_data(), tensor, what);
  } else {
    copy_typed_fields(proto, tensor, what);
  }
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
  const std::string bytes = read_file(path);
  onnx::TensorProto proto;
  check_input(proto.ParseFromString(bytes), path, ": not a serialized ONNX TensorProto");
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

// SPDX-License-Identifier: Apache-2.0
// .npy parsing and writing: a magic string, a version, a Python-dict header naming
// descr, fortran_order and shape, then the raw data.
#include "io/npy.h"

#include <cstring>

#include "core/file_io.h"

namespace vigil {

namespace {

struct NpyType {
  const char* descr;
  DType dtype;
};
constexpr NpyType kNpyTypes[] = {
    {"<f4", DType::Float32}, {"<f8", DType::Float64}, {"<f2", DType::Float16}, {"|i1", DType::Int8},
    {"|u1", DType::UInt8},   {"<i2", DType::Int16},   {"<u2", DType::UInt16},  {"<i4", DType::Int32},
    {"<u4", DType::UInt32},  {"<i8", DType::Int64},   {"<u8", DType::UInt64},  {"|b1", DType::Bool},
};

// The quoted value after 'key': in the header dict, or the parenthesised tuple for shape.
std::string header_value(const std::string& header, const std::string& key, const std::string& what) {
  const size_t at = header.find("'" + key + "'");
  check_input(at != std::string::npos, what, ": .npy header has no '", key, "'");
  // numpy keeps a repeated key's last value; vigil refuses the ambiguity.
  check_input(header.find("'" + key + "'", at + 1) == std::string::npos, what, ": .npy header names '", key, "' twice");
  size_t start = header.find(':', at);
  check_input(start != std::string::npos, what, ": malformed .npy header");
  ++start;
  while (start < header.size() && header[start] == ' ') ++start;
  check_input(start < header.size(), what, ": malformed .npy header");
  const char open = header[start];
  const char close = open == '(' ? ')' : open == '\'' ? '\'' : ',';
  const size_t end = header.find(close, start + 1);
  check_input(end != std::string::npos, what, ": malformed .npy header");
  if (open == '(' || open == '\'') return header.substr(start + 1, end - start - 1);
  return header.substr(start, end - start);
}

}  // namespace

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  check_input(bytes.size() >= 10 && bytes.compare(0, 6, "\x93NUMPY") == 0, what, ": not a .npy file");
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t header_length = 0;
  size_t header_start = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    header_start = 10;
  } else {
    check_input(bytes.size() >= 12 && (major == 2 || major == 3), what, ": unsupported .npy version ", major);
    uint32_t length;
    std::memcpy(&length, bytes.data() + 8, 4);
    header_length = length;
    header_start = 12;
  }
  check_input(header_start + header_length <= bytes.size(), what, ": truncated .npy header");
  const std::string header = bytes.substr(header_start, header_length);

  const std::string descr = header_value(header, "descr", what);
  DType dtype = DType::Undefined;
  for (const NpyType& type : kNpyTypes) {
    if (descr == type.descr ||
        (descr.size() == 3 && descr[0] == '=' && descr.substr(1) == std::string(type.descr).substr(1))) {
      dtype = type.dtype;
    }
  }
  check_input(dtype != DType::Undefined, what, ": .npy element type '", descr, "' is not supported");
  check_input(header_value(header, "fortran_order", what).find("False") != std::string::npos, what,
              ": Fortran-order .npy arrays are not supported");

  Shape shape;
  const std::string dims = header_value(header, "shape", what);
  size_t pos = 0;
  while (pos < dims.size()) {
    while (pos < dims.size() && (dims[pos] == ' ' || dims[pos] == ',')) ++pos;
    if (pos >= dims.size()) break;
    size_t used = 0;
    int64_t d = 0;
    try {
      d = std::stoll(dims.substr(pos), &used);
    } catch (const std::exception&) {
      fail_bad_input(what, ": malformed .npy shape (", dims, ")");
    }
    check_input(d >= 0 && d < (int64_t{1} << 40), what, ": malformed .npy shape (", dims, ")");
    shape.push_back(d);
    pos += used;
  }
  int64_t count = 1;
  for (int64_t d : shape) {
    check_input(d == 0 || count <= (int64_t{1} << 40) / d, what, ": .npy shape is too large");
    count *= d;
  }
  const size_t data_start = header_start + header_length;
  const size_t expected = static_cast<size_t>(count) * dtype_size(dtype);
  check_input(bytes.size() - data_start == expected, what, ": .npy data holds ", bytes.size() - data_start,
              " bytes, shape ", shape_to_string(shape), " needs ", expected);
  Tensor tensor(dtype, shape);
  if (expected) std::memcpy(tensor.raw(), bytes.data() + data_start, expected);
  return tensor;
}

Tensor read_npy_file(const std::string& path) { return parse_npy(read_file(path), path); }

std::string serialize_npy(const Tensor& tensor) {
  const char* descr = nullptr;
  for (const NpyType& type : kNpyTypes) {
    if (type.dtype == tensor.dtype()) descr = type.descr;
  }
  check_input(descr != nullptr, "cannot write ", dtype_name(tensor.dtype()), " tensors as .npy");
  std::string shape;
  for (int64_t d : tensor.shape()) shape += std::to_string(d) + ", ";
  if (tensor.rank() > 1) shape.resize(shape.size() - 1);
  if (tensor.rank() > 1) shape.pop_back();
  std::string header = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
  const size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string bytes = "\x93NUMPY";
  bytes += '\x01';
  bytes += '\x00';
  bytes += static_cast<char>(header.size() & 0xff);
  bytes += static_cast<char>(header.size() >> 8);
  bytes += header;
  bytes.append(static_cast<const char*>(tensor.raw()), tensor.nbytes());
  return bytes;
}

void write_npy_file(const Tensor& tensor, const std::string& path) {
  write_file_atomically(path, serialize_npy(tensor));
}

}  // namespace vigil

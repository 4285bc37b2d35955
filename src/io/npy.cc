// SPDX-License-Identifier: Apache-2.0
// .npy parsing and writing: a magic string, a version, a Python-dict header naming
// descr, fortran_order and shape, then the raw data.
#include "io/npy.h"

#include <cstring>

#include "core/file_io.h"

namespace vigil {

namespace {

// Version 2 headers may be up to 4 GiB long; no real one exceeds a few kilobytes.
constexpr size_t kMaxNpyHeaderBytes = size_t{1} << 20;

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

Tensor read_npy(BoundedReader& reader) {
  const std::string& what = reader.name();
  char prefix[10] = {};
  const size_t got = reader.read_some(prefix, sizeof prefix);
  check_input(got == sizeof prefix && std::memcmp(prefix, "\x93NUMPY", 6) == 0, what, ": not a .npy file");
  const int major = static_cast<unsigned char>(prefix[6]);
  size_t header_length = 0;
  if (major == 1) {
    header_length = static_cast<unsigned char>(prefix[8]) | (static_cast<unsigned char>(prefix[9]) << 8);
  } else {
    check_input(major == 2 || major == 3, what, ": unsupported .npy version ", major);
    const std::string rest = reader.read(2, ".npy header");
    header_length = static_cast<unsigned char>(prefix[8]) | (static_cast<unsigned char>(prefix[9]) << 8) |
                    (static_cast<size_t>(static_cast<unsigned char>(rest[0])) << 16) |
                    (static_cast<size_t>(static_cast<unsigned char>(rest[1])) << 24);
    check_input(header_length <= kMaxNpyHeaderBytes, what, ": .npy header of ", header_length, " bytes is too long");
  }
  const std::string header = reader.read(header_length, ".npy header");

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
  const int64_t count = shape_numel(shape, what.c_str());
  const size_t expected = byte_count(count, dtype_size(dtype), what.c_str());
  reader.require_available(expected, ".npy data");
  Tensor tensor(dtype, shape);
  if (expected) reader.read_into(tensor.raw(), expected, ".npy data");
  check_input(reader.at_end(), what, ": .npy data is longer than shape ", shape_to_string(shape), " needs (", expected,
              " bytes)");
  return tensor;
}

Tensor parse_npy(const std::string& bytes, const std::string& what) {
  BoundedReader reader = BoundedReader::over(bytes, what);
  return read_npy(reader);
}

Tensor read_npy_file(const std::string& path) {
  BoundedReader reader = BoundedReader::open(path);
  return read_npy(reader);
}

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

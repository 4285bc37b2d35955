// SPDX-License-Identifier: Apache-2.0
// IDX parsing, with zlib for .gz files.
#include "io/idx.h"

#include <zlib.h>

#include <cstring>
#include <filesystem>

#include "core/file_io.h"

namespace vigil {

namespace {

std::string gunzip(const std::string& compressed, const std::string& path) {
  z_stream stream{};
  check_input(inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK, path, ": cannot start decompression");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[1 << 16];
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - stream.avail_out);
    check_input(out.size() < (size_t{1} << 33), path, ": decompressed data is too large");
  }
  inflateEnd(&stream);
  check_input(status == Z_STREAM_END, path, ": corrupt gzip data");
  return out;
}

uint32_t big_endian_u32(const std::string& bytes, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

DType idx_type(unsigned char code, const std::string& path) {
  switch (code) {
    case 0x08: return DType::UInt8;
    case 0x09: return DType::Int8;
    case 0x0B: return DType::Int16;
    case 0x0C: return DType::Int32;
    case 0x0D: return DType::Float32;
    case 0x0E: return DType::Float64;
    default: fail_bad_input(path, ": unknown IDX element type code ", static_cast<int>(code));
  }
}

std::string existing(const std::filesystem::path& base) {
  if (std::filesystem::exists(base)) return base.string();
  std::filesystem::path gz = base;
  gz += ".gz";
  return gz.string();
}

}  // namespace

Tensor read_idx_file(const std::string& path) {
  std::string bytes = read_file(path);
  if (bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
      static_cast<unsigned char>(bytes[1]) == 0x8b) {
    bytes = gunzip(bytes, path);
  }
  check_input(bytes.size() >= 4 && bytes[0] == 0 && bytes[1] == 0, path, ": not an IDX file");
  const DType dtype = idx_type(static_cast<unsigned char>(bytes[2]), path);
  const int rank = static_cast<unsigned char>(bytes[3]);
  check_input(rank >= 1 && bytes.size() >= 4 + 4 * static_cast<size_t>(rank), path, ": truncated IDX header");
  Shape shape;
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    const int64_t d = big_endian_u32(bytes, 4 + 4 * i);
    check_input(d == 0 || count <= (int64_t{1} << 36) / d, path, ": IDX shape is too large");
    count *= d;
    shape.push_back(d);
  }
  const size_t start = 4 + 4 * static_cast<size_t>(rank);
  const size_t size = dtype_size(dtype);
  check_input(bytes.size() - start == static_cast<size_t>(count) * size, path, ": IDX data holds ",
              bytes.size() - start, " bytes, shape ", shape_to_string(shape), " needs ", count * size);
  Tensor tensor(dtype, shape);
  unsigned char* out = static_cast<unsigned char*>(tensor.raw());
  for (int64_t i = 0; i < count; ++i) {
    // IDX stores multi-byte values big-endian.
    for (size_t b = 0; b < size; ++b)
      out[i * size + b] = static_cast<unsigned char>(bytes[start + i * size + size - 1 - b]);
  }
  return tensor;
}

IdxDataset read_idx_dataset(const std::string& path) {
  std::string images_path;
  std::string labels_path;
  if (std::filesystem::is_directory(path)) {
    images_path = existing(std::filesystem::path(path) / "t10k-images-idx3-ubyte");
    labels_path = existing(std::filesystem::path(path) / "t10k-labels-idx1-ubyte");
  } else {
    images_path = path;
    labels_path = path;
    const size_t at = labels_path.rfind("images");
    check_input(at != std::string::npos, path, ": cannot tell the labels file (name has no 'images')");
    labels_path.replace(at, 6, "labels");
    const size_t rank_at = labels_path.rfind("idx3");
    if (rank_at != std::string::npos) labels_path.replace(rank_at, 4, "idx1");
  }
  IdxDataset dataset{read_idx_file(images_path), read_idx_file(labels_path), labels_path};
  check_input(dataset.images.dtype() == DType::UInt8 && dataset.images.rank() == 3, images_path,
              ": expected uint8 images of shape [N, rows, cols]");
  check_input(dataset.labels.rank() == 1 && dataset.labels.dim(0) == dataset.images.dim(0), labels_path,
              ": expected one label per image (", dataset.images.dim(0), ")");
  return dataset;
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// IDX parsing, with zlib for .gz files.
#include "io/idx.h"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "core/file_io.h"

namespace vigil {

namespace {

uint32_t big_endian_u32(const unsigned char* bytes) {
  return (uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) | (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]};
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

Tensor read_idx_file(const std::string& path, int64_t max_items) {
  BoundedReader reader = BoundedReader::open(path);
  return read_idx(reader, max_items);
}

Tensor read_idx(BoundedReader& reader, int64_t max_items) {
  const std::string& path = reader.name();
  unsigned char magic[4];
  reader.read_into(magic, 4, "IDX header");
  check_input(magic[0] == 0 && magic[1] == 0, path, ": not an IDX file");
  const DType dtype = idx_type(magic[2], path);
  const int rank = magic[3];
  check_input(rank >= 1, path, ": IDX file of rank 0");
  std::vector<unsigned char> dims(4 * static_cast<size_t>(rank));
  reader.read_into(dims.data(), dims.size(), "IDX header");
  Shape shape;
  for (int i = 0; i < rank; ++i) shape.push_back(big_endian_u32(dims.data() + 4 * i));
  const int64_t count = shape_numel(shape, path.c_str());
  const int64_t items = max_items > 0 ? std::min(max_items, shape[0]) : shape[0];
  const int64_t item_elements = shape[0] ? count / shape[0] : 0;
  const size_t size = dtype_size(dtype);
  const size_t needed = byte_count(items * item_elements, size, path.c_str());
  reader.require_available(needed, "IDX data");
  shape[0] = items;
  Tensor tensor(dtype, shape);
  unsigned char* out = static_cast<unsigned char*>(tensor.raw());
  reader.read_into(out, needed, "IDX data");
  if (items == static_cast<int64_t>(big_endian_u32(dims.data()))) {
    check_input(reader.at_end(), path, ": IDX data is longer than shape ", shape_to_string(shape), " needs (", needed,
                " bytes)");
  }
  if (size > 1) {  // IDX stores multi-byte values big-endian
    for (size_t i = 0; i < needed; i += size) std::reverse(out + i, out + i + size);
  }
  return tensor;
}

IdxDataset read_idx_dataset(const std::string& path, int64_t max_items) {
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
  IdxDataset dataset{read_idx_file(images_path, max_items), read_idx_file(labels_path, max_items), labels_path};
  check_input(dataset.images.dtype() == DType::UInt8 && dataset.images.rank() == 3, images_path,
              ": expected uint8 images of shape [N, rows, cols]");
  check_input(dataset.labels.rank() == 1 && dataset.labels.dim(0) == dataset.images.dim(0), labels_path,
              ": expected one label per image (", dataset.images.dim(0), ")");
  return dataset;
}

}  // namespace vigil

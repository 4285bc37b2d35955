// SPDX-License-Identifier: Apache-2.0
// IDX files (the MNIST and Fashion-MNIST format), gzipped or not: a magic number that
// gives the element type and rank, big-endian dimensions, then the data.
#pragma once

#include <string>

#include "core/file_io.h"
#include "core/tensor.h"

namespace vigil {

// uint8, int8, int16, int32, float32 or float64. With max_items > 0 only the first
// max_items along the first axis are read (the rest of the file is not).
Tensor read_idx_file(const std::string& path, int64_t max_items = 0);
Tensor read_idx(BoundedReader& reader, int64_t max_items = 0);

// An image classification set: images [N, rows, cols] (uint8) and labels [N].
struct IdxDataset {
  Tensor images;
  Tensor labels;
  std::string labels_path;  // where the labels came from, for errors about them
};
// `path` is a folder holding t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]
// (the test split), or an images file whose labels file sits beside it (images -> labels
// in the name).
IdxDataset read_idx_dataset(const std::string& path, int64_t max_items = 0);

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// IDX files (the MNIST and Fashion-MNIST format), gzipped or not: a magic number that
// gives the element type and rank, big-endian dimensions, then the data.
#pragma once

#include <string>

#include "core/tensor.h"

namespace vigil {

Tensor read_idx_file(const std::string& path);  // uint8, int8, int16, int32, float32 or float64

// An image classification set: images [N, rows, cols] (uint8) and labels [N].
struct IdxDataset {
  Tensor images;
  Tensor labels;
  std::string labels_path;  // where the labels came from, for errors about them
};
// `path` is a folder holding t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]
// (the test split), or an images file whose labels file sits beside it (images -> labels
// in the name).
IdxDataset read_idx_dataset(const std::string& path);

}  // namespace vigil

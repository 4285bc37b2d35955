// SPDX-License-Identifier: Apache-2.0
// NumPy .npy files (format versions 1-3, little-endian, C order), the format of
// `vigil run` inputs and outputs.
#pragma once

#include <string>

#include "core/file_io.h"
#include "core/tensor.h"

namespace vigil {

Tensor read_npy_file(const std::string& path);
// Reads the header, then exactly the data it announces, then checks that nothing follows.
Tensor read_npy(BoundedReader& reader);
Tensor parse_npy(const std::string& bytes, const std::string& what);
std::string serialize_npy(const Tensor& tensor);
void write_npy_file(const Tensor& tensor, const std::string& path);  // atomic

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Whole-file reads and atomic writes (a temporary name in the same folder, then a
// rename), so a failed command never leaves a half-written output behind.
#pragma once

#include <string>

namespace vigil {

std::string read_file(const std::string& path);  // bad-input Error if it cannot be read
void write_file_atomically(const std::string& path, const std::string& bytes);

}  // namespace vigil

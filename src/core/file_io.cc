// SPDX-License-Identifier: Apache-2.0
// File reading and atomic writing.
#include "core/file_io.h"

#include <unistd.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"

namespace vigil {

std::string read_file(const std::string& path) {
  std::error_code error;
  check_input(std::filesystem::exists(path, error), path, ": no such file");
  check_input(!std::filesystem::is_directory(path, error), path, ": is a directory, expected a file");
  std::ifstream file(path, std::ios::binary);
  check_input(file.good(), path, ": cannot open: ", std::strerror(errno));
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

void write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp." + std::to_string(::getpid());
  {
    std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
    check_input(file.good(), path, ": cannot write: ", std::strerror(errno));
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file.good()) {
      std::remove(temporary.c_str());
      fail_bad_input(path, ": writing failed");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    fail_bad_input(path, ": cannot write: ", std::strerror(errno));
  }
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Writing a subcommand's results to files (--json FILE, --html FILE): the folder is
// checked before the work starts, not after minutes of timing, and the file is written
// atomically at the end.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/error.h"
#include "core/file_io.h"

namespace vigil::cli {

// A bad-input Error naming the flag if `path` is set and its folder does not exist.
inline void check_output_folder(const char* flag, const std::string& path) {
  if (path.empty()) return;
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  check_input(folder.empty() || std::filesystem::is_directory(folder), flag, " ", path, ": no folder ",
              folder.string());
}

// Names in models need not be valid UTF-8; JSON must be, so such bytes become U+FFFD.
inline std::string json_text(const nlohmann::json& document) {
  return document.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

inline void write_json_file(const std::string& path, const nlohmann::json& document) {
  if (!path.empty()) write_file_atomically(path, json_text(document));
}

}  // namespace vigil::cli

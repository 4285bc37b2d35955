// Writing a subcommand's results as JSON (--json FILE), atomically.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/file_io.h"

namespace vigil::cli {

inline void write_json_file(const std::string& path, const nlohmann::json& document) {
  if (!path.empty()) write_file_atomically(path, document.dump(2) + "\n");
}

}  // namespace vigil::cli

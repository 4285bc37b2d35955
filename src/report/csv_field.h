// SPDX-License-Identifier: Apache-2.0
// One field of a CSV file (RFC 4180), for every command that writes CSV.
#pragma once

#include <string>

namespace vigil::report {

// The text, quoted when it holds a comma, a quote or a line break.
inline std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace vigil::report

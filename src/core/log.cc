// SPDX-License-Identifier: Apache-2.0
// The logger: a level read once from VIGIL_LOG, lines written whole to stderr.
#include "core/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace vigil {

namespace {
LogLevel level_from_environment() {
  const char* text = std::getenv("VIGIL_LOG");
  if (!text) return LogLevel::Warning;
  if (!std::strcmp(text, "debug")) return LogLevel::Debug;
  if (!std::strcmp(text, "info")) return LogLevel::Info;
  if (!std::strcmp(text, "error")) return LogLevel::Error;
  return LogLevel::Warning;
}

LogLevel& current_level() {
  static LogLevel level = level_from_environment();
  return level;
}

const char* level_prefix(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
  }
  return "";
}
}  // namespace

void set_log_level(LogLevel level) { current_level() = level; }
LogLevel log_level() { return current_level(); }

void log_message(LogLevel level, const std::string& message) {
  if (level < current_level()) return;
  std::string line = std::string("vigil: ") + level_prefix(level) + ": " + message + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace vigil

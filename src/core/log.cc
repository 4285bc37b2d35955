// SPDX-License-Identifier: Apache-2.0
// The logger: a level read once from VIGIL_LOG, lines written whole to stderr.
#include "core/log.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

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

// Warnings waiting for a WarningHold's release; null while none is alive.
std::vector<std::string>* held_warnings = nullptr;
std::mutex held_warnings_mutex;

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
  if (level == LogLevel::Warning && current_level() == LogLevel::Warning) {
    std::lock_guard<std::mutex> lock(held_warnings_mutex);
    if (held_warnings) {
      held_warnings->push_back(std::move(line));
      return;
    }
  }
  std::fwrite(line.data(), 1, line.size(), stderr);
}

WarningHold::WarningHold() {
  if (!held_warnings) held_warnings = new std::vector<std::string>;
}

WarningHold::~WarningHold() {
  delete held_warnings;
  held_warnings = nullptr;
}

void WarningHold::release() {
  if (!held_warnings) return;
  for (const std::string& line : *held_warnings) std::fwrite(line.data(), 1, line.size(), stderr);
  held_warnings->clear();
}

}  // namespace vigil

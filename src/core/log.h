// SPDX-License-Identifier: Apache-2.0
// Logging: the one way code below cli/ speaks to the terminal. Messages at or above the
// chosen level go to stderr; the default level is Warning. VIGIL_LOG=debug|info|warning|error
// sets it from the environment. While a WarningHold is alive (the command line keeps one
// around each command), warnings wait: they are printed when the command succeeds and
// dropped when it fails, whose one error line stands alone. At level info or debug they
// are printed as they come.
#pragma once

#include <string>

#include "core/error.h"

namespace vigil {

enum class LogLevel { Debug, Info, Warning, Error };

void set_log_level(LogLevel level);
LogLevel log_level();
void log_message(LogLevel level, const std::string& message);

template <class... Args>
void log_debug(const Args&... args) {
  if (log_level() <= LogLevel::Debug) log_message(LogLevel::Debug, str_cat(args...));
}
template <class... Args>
void log_info(const Args&... args) {
  if (log_level() <= LogLevel::Info) log_message(LogLevel::Info, str_cat(args...));
}
template <class... Args>
void log_warning(const Args&... args) {
  if (log_level() <= LogLevel::Warning) log_message(LogLevel::Warning, str_cat(args...));
}

class WarningHold {
 public:
  WarningHold();
  WarningHold(const WarningHold&) = delete;
  WarningHold& operator=(const WarningHold&) = delete;
  ~WarningHold();  // drops the warnings not released
  void release();  // prints the warnings held so far
};

}  // namespace vigil

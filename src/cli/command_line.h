// SPDX-License-Identifier: Apache-2.0
// The command line as a function: builds the `vigil` application (every subcommand of
// commands.h), parses and runs one invocation, and is the one exception boundary, so that
// every failure becomes one error line and an exit code: 2 for bad input (a malformed
// model, a wrong flag, an unsupported operator, memory beyond the budget), 3 for a fault
// that ABFT detected and could not correct, 1 for an internal error. The files a command
// writes are committed only when it succeeds (core/output_files.h). The `vigil`
// executable (main.cc) and the Python module's tools (python/) both call it.
#pragma once

#include <string>
#include <vector>

namespace vigil::cli {

struct CommandOutcome {
  int exit_code = 0;
  // The error line without a newline ("vigil: error: ..."), empty on success.
  std::string error_line;
  // The part of the line after "vigil: error: " (or "vigil: internal error: ").
  std::string message;
};

// Runs `arguments` (without the program name) as `vigil` would. The process-wide settings
// that flags change (--isa, --max-memory) are restored before it returns. Help text and
// each command's own output go to stdout, warnings to stderr.
CommandOutcome run_command_line(const std::vector<std::string>& arguments);

}  // namespace vigil::cli

// SPDX-License-Identifier: Apache-2.0
// vigil: the command line. Subcommands live in their own files (commands.h);
// run_command_line (command_line.h) parses, dispatches and turns every failure into one
// line on stderr and an exit code.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command_line.h"

int main(int argc, char** argv) {
  const vigil::cli::CommandOutcome outcome =
      vigil::cli::run_command_line(std::vector<std::string>(argv + 1, argv + argc));
  if (!outcome.error_line.empty()) std::cerr << outcome.error_line << "\n";
  return outcome.exit_code;
}

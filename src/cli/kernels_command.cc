// SPDX-License-Identifier: Apache-2.0
// `vigil kernels --list`: every kernel family's registry (kernels/kernel_families.h), each
// kernel with the CPU features it needs, its tile where it is a GEMM micro-kernel, whether
// this CPU runs it, and which one the active features choose; above them, the detected and
// active CPU features (VIGIL_ISA and --isa turn features off).
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "core/cpu_features.h"
#include "kernels/kernel_families.h"

namespace vigil::cli {

namespace {

void list_kernels(const std::string& json_path) {
  nlohmann::json report = nlohmann::json::array();
  std::cout << "detected features: " << detected_features().to_string() << "\n"
            << "active features:   " << active_features().to_string() << "\n";
  std::string family;
  for (const kernels::KernelListing& kernel : kernels::list_kernels()) {
    if (kernel.family != family) {
      family = kernel.family;
      std::cout << family << "\n";
    }
    std::cout << "  " << (kernel.active ? "* " : "  ") << std::left << std::setw(38) << kernel.name << std::setw(6)
              << kernel.tile << (kernel.runs_here ? "runs here    " : "not this CPU ") << "needs "
              << kernel.needs.to_level_string() << "\n";
    report.push_back({{"family", kernel.family},
                      {"name", kernel.name},
                      {"needs", kernel.needs.to_string()},
                      {"tile", kernel.tile},
                      {"runs_here", kernel.runs_here},
                      {"active", kernel.active}});
  }
  std::cout << "(* the kernel each family runs with the active features)\n";
  write_json_file(json_path, {{"detected_features", detected_features().to_string()},
                              {"active_features", active_features().to_string()},
                              {"detected_isa", isa_name(detected_isa())},
                              {"kernels", report}});
}

}  // namespace

void add_kernels_command(CLI::App& app) {
  struct Options {
    bool list = true;  // the only listing there is, so far
    std::string json;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("kernels", "List every kernel family's kernels and which ones this CPU runs");
  command->add_flag("--list", options->list, "list the kernels of every family (the default)");
  command->add_option("--json", options->json, "write the list as JSON to this file");
  command->callback([options] { list_kernels(options->json); });
}

}  // namespace vigil::cli

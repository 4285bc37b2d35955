// `vigil kernels --list`: the f32 GEMM micro-kernels (the list in
// kernels/f32_gemm_kernels.inc), each with its instruction-set path, tile shape, and
// whether this CPU runs it; the active one is marked.
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "core/cpu_features.h"
#include "kernels/f32_gemm_microkernel.h"

namespace vigil::cli {

namespace {

#define VIGIL_F32_GEMM_KERNEL(name) &kernels::name,
const kernels::F32MicroKernel* const kF32GemmKernels[] = {
#include "kernels/f32_gemm_kernels.inc"
};
#undef VIGIL_F32_GEMM_KERNEL

void list_kernels(const std::string& json_path) {
  nlohmann::json report = nlohmann::json::array();
  std::cout << "detected " << isa_name(detected_isa()) << ", active " << isa_name(active_isa()) << "\n";
  for (const kernels::F32MicroKernel* kernel : kF32GemmKernels) {
    const bool runs = kernel->isa <= detected_isa();
    const bool active = kernel->isa == active_isa();
    const std::string tile = std::to_string(kernel->mr) + "x" + std::to_string(kernel->nr);
    std::cout << "  " << std::left << std::setw(26) << kernel->name << std::setw(8) << isa_name(kernel->isa)
              << std::setw(7) << tile << (runs ? "runs here" : "not on this CPU") << (active ? " (active)" : "")
              << "\n";
    report.push_back({{"name", kernel->name},
                      {"op", "f32_gemm"},
                      {"isa", isa_name(kernel->isa)},
                      {"mr", kernel->mr},
                      {"nr", kernel->nr},
                      {"runs_here", runs},
                      {"active", active}});
  }
  write_json_file(json_path, {{"detected_isa", isa_name(detected_isa())}, {"kernels", report}});
}

}  // namespace

void add_kernels_command(CLI::App& app) {
  struct Options {
    bool list = true;  // the only listing there is, so far
    std::string json;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand("kernels", "List the micro-kernels and which of them this CPU runs");
  command->add_flag("--list", options->list, "list the f32 GEMM micro-kernels (the default)");
  command->add_option("--json", options->json, "write the list as JSON to this file");
  command->callback([options] { list_kernels(options->json); });
}

}  // namespace vigil::cli

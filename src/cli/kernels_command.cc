// `vigil kernels --list`: the f32 and int8 GEMM micro-kernels (the lists in
// kernels/f32_gemm_kernels.inc and kernels/s8_gemm_kernels.inc), each with its
// instruction-set path, tile shape, and whether this CPU runs it; the active ones are marked.
#include <iomanip>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "core/cpu_features.h"
#include "kernels/f32_gemm_microkernel.h"
#include "kernels/s8_gemm_microkernel.h"

namespace vigil::cli {

namespace {

#define VIGIL_F32_GEMM_KERNEL(name) &kernels::name,
const kernels::F32MicroKernel* const kF32GemmKernels[] = {
#include "kernels/f32_gemm_kernels.inc"
};
#undef VIGIL_F32_GEMM_KERNEL

#define VIGIL_QS8_GEMM_KERNEL(name) &kernels::name,
const kernels::QS8MicroKernel* const kQS8GemmKernels[] = {
#include "kernels/s8_gemm_kernels.inc"
};
#undef VIGIL_QS8_GEMM_KERNEL

const char* path_name(kernels::QGemmPath path) {
  switch (path) {
    case kernels::QGemmPath::Scalar: return "scalar";
    case kernels::QGemmPath::Avx2: return "avx2";
    case kernels::QGemmPath::AvxVnni: return "avxvnni";
    case kernels::QGemmPath::Avx512Vnni: return "avx512vnni";
  }
  return "?";
}

// Prints one kernel's line and returns its JSON entry.
nlohmann::json describe_kernel(const char* name, const char* op, const char* path, int mr, int nr, bool runs,
                               bool active) {
  const std::string tile = std::to_string(mr) + "x" + std::to_string(nr);
  std::cout << "  " << std::left << std::setw(38) << name << std::setw(11) << path << std::setw(7) << tile
            << (runs ? "runs here" : "not on this CPU") << (active ? " (active)" : "") << "\n";
  return {{"name", name}, {"op", op}, {"isa", path}, {"mr", mr}, {"nr", nr}, {"runs_here", runs}, {"active", active}};
}

void list_kernels(const std::string& json_path) {
  nlohmann::json report = nlohmann::json::array();
  std::cout << "detected " << isa_name(detected_isa()) << ", active " << isa_name(active_isa()) << "\n";
  for (const kernels::F32MicroKernel* kernel : kF32GemmKernels) {
    report.push_back(describe_kernel(kernel->name, "f32_gemm", isa_name(kernel->isa), kernel->mr, kernel->nr,
                                     kernel->isa <= detected_isa(), kernel->isa == active_isa()));
  }
  for (const kernels::QS8MicroKernel* kernel : kQS8GemmKernels) {
    report.push_back(describe_kernel(kernel->name, "qs8_gemm", path_name(kernel->path), kernel->mr, kernel->nr,
                                     kernels::qgemm_path_runs(kernel->path),
                                     kernel->path == kernels::qgemm_path(active_isa())));
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
  command->add_flag("--list", options->list, "list the f32 and int8 GEMM micro-kernels (the default)");
  command->add_option("--json", options->json, "write the list as JSON to this file");
  command->callback([options] { list_kernels(options->json); });
}

}  // namespace vigil::cli

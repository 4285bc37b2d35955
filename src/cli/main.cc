// SPDX-License-Identifier: Apache-2.0
// vigil: the command line. Subcommands live in their own files (commands.h); this file
// parses, dispatches, and is the one exception boundary: every failure becomes one line
// on stderr with exit code 2 for bad input (a malformed model, a wrong flag, an
// unsupported operator, memory beyond the budget) or 1 for an internal error. The files
// a command writes are committed only when it succeeds (output_files.h).
#include <iostream>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "core/cpu_features.h"
#include "core/error.h"
#include "core/log.h"
#include "core/memory_budget.h"
#include "core/output_files.h"

int main(int argc, char** argv) {
  CLI::App app{
      "vigil: fast and dependable neural-network inference on CPUs.\n"
      "Runs ONNX models with vigil's own operators. Start with 'vigil info MODEL.onnx',\n"
      "'vigil run MODEL.onnx --random-inputs' or 'vigil eval MODEL.onnx --dataset DIR'.",
      "vigil"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Print help for every subcommand");
  // Usable before or after the subcommand; it must act before any session is created, and
  // option callbacks run before subcommand callbacks.
  app.fallthrough();
  app.add_option_function<std::string>(
      "--isa", [](const std::string& mask) { vigil::set_active_features(vigil::parse_feature_mask(mask, "--isa")); },
      "Limit the CPU features kernels use (as VIGIL_ISA does): a level (scalar, avx2, avx512, native) and/or\n"
      "features to turn off, comma-separated, e.g. 'avx2', '-avx512vnni' or 'avx512,-avx512vbmi,-avxvnni'.\n"
      "'vigil kernels' lists the features and which kernels they select");
  app.add_option_function<std::string>(
      "--max-memory",
      [](const std::string& text) {
        const std::optional<size_t> bytes = vigil::parse_byte_size(text);
        vigil::check_input(bytes.has_value(), "--max-memory: '", text, "' is not a size such as 512M or 8G");
        vigil::set_memory_budget(*bytes);
      },
      "Refuse, with one error, any allocation that would take vigil's tensors and buffers over SIZE\n"
      "(as VIGIL_MAX_MEMORY does), e.g. 512M or 8G; by default 80% of the memory this process may use (" +
          vigil::format_bytes(static_cast<double>(vigil::default_memory_budget())) + " here)");
  vigil::cli::add_info_command(app);
  vigil::cli::add_run_command(app);
  vigil::cli::add_eval_command(app);
  vigil::cli::add_ops_command(app);
  vigil::cli::add_bench_command(app);
  vigil::cli::add_kernels_command(app);
  vigil::cli::add_profile_command(app);
  vigil::cli::add_peaks_command(app);
  vigil::cli::add_predict_command(app);
  vigil::cli::add_dse_command(app);
  vigil::cli::add_quantize_command(app);
  vigil::cli::add_abft_command(app);
  vigil::cli::add_inject_command(app);
  try {
    vigil::WarningHold warnings;
    vigil::OutputTransaction outputs;
    vigil::active_isa();  // a bad VIGIL_ISA or VIGIL_MAX_MEMORY fails here, before any model is read
    vigil::memory_budget();
    app.parse(argc, argv);
    outputs.commit();
    warnings.release();
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "vigil: error: " << e.what() << " (see 'vigil --help')\n";
    return 2;
  } catch (const vigil::Error& e) {
    std::cerr << "vigil: error: " << e.what() << "\n";
    if (e.kind() == vigil::ErrorKind::Internal) return 1;
    return e.kind() == vigil::ErrorKind::FaultDetected ? 3 : 2;
  } catch (const std::bad_alloc&) {
    std::cerr << "vigil: error: out of memory\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "vigil: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

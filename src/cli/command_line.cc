// SPDX-License-Identifier: Apache-2.0
// run_command_line (command_line.h): the application, its global flags, and the
// exception boundary every invocation passes through.
#include "cli/command_line.h"

#include <memory>
#include <optional>

#include "cli/commands.h"
#include "core/cpu_features.h"
#include "core/error.h"
#include "core/log.h"
#include "core/memory_budget.h"
#include "core/output_files.h"

namespace vigil::cli {

namespace {

std::unique_ptr<CLI::App> make_application() {
  auto app = std::make_unique<CLI::App>(
      "vigil: fast and dependable neural-network inference on CPUs.\n"
      "Runs ONNX models with vigil's own operators. Start with 'vigil info MODEL.onnx',\n"
      "'vigil run MODEL.onnx --random-inputs' or 'vigil eval MODEL.onnx --dataset DIR'.",
      "vigil");
  app->require_subcommand(1);
  app->set_help_all_flag("--help-all", "Print help for every subcommand");
  // Usable before or after the subcommand; it must act before any session is created, and
  // option callbacks run before subcommand callbacks.
  app->fallthrough();
  app->add_option_function<std::string>(
      "--isa", [](const std::string& mask) { set_active_features(parse_feature_mask(mask, "--isa")); },
      "Limit the CPU features kernels use (as VIGIL_ISA does): a level (scalar, avx2, avx512, native) and/or\n"
      "features to turn off, comma-separated, e.g. 'avx2', '-avx512vnni' or 'avx512,-avx512vbmi,-avxvnni'.\n"
      "'vigil kernels' lists the features and which kernels they select");
  app->add_option_function<std::string>(
      "--max-memory",
      [](const std::string& text) {
        const std::optional<size_t> bytes = parse_byte_size(text);
        check_input(bytes.has_value(), "--max-memory: '", text, "' is not a size such as 512M or 8G");
        set_memory_budget(*bytes);
      },
      "Refuse, with one error, any allocation that would take vigil's tensors and buffers over SIZE\n"
      "(as VIGIL_MAX_MEMORY does), e.g. 512M or 8G; by default 80% of the memory this process may use (" +
          format_bytes(static_cast<double>(default_memory_budget())) + " here)");
  add_info_command(*app);
  add_run_command(*app);
  add_eval_command(*app);
  add_ops_command(*app);
  add_bench_command(*app);
  add_kernels_command(*app);
  add_profile_command(*app);
  add_peaks_command(*app);
  add_predict_command(*app);
  add_dse_command(*app);
  add_quantize_command(*app);
  add_abft_command(*app);
  add_inject_command(*app);
  return app;
}

CommandOutcome failure(int exit_code, const std::string& prefix, const std::string& message) {
  return {exit_code, "vigil: " + prefix + message, message};
}

// Puts back the process-wide settings that --isa and --max-memory change.
class GlobalSettingsRestore {
 public:
  GlobalSettingsRestore() : features_(active_features()), budget_(memory_budget()) {}
  ~GlobalSettingsRestore() {
    if (active_features().bits() != features_.bits()) set_active_features(features_);
    if (memory_budget() != budget_) set_memory_budget(budget_);
  }
  GlobalSettingsRestore(const GlobalSettingsRestore&) = delete;
  GlobalSettingsRestore& operator=(const GlobalSettingsRestore&) = delete;

 private:
  CpuFeatures features_;
  size_t budget_;
};

}  // namespace

CommandOutcome run_command_line(const std::vector<std::string>& arguments) {
  std::unique_ptr<CLI::App> app = make_application();
  try {
    WarningHold warnings;
    OutputTransaction outputs;
    // A bad VIGIL_ISA or VIGIL_MAX_MEMORY fails here, before any model is read.
    const GlobalSettingsRestore restore;
    std::vector<std::string> reversed(arguments.rbegin(), arguments.rend());  // CLI11 takes them last first
    app->parse(reversed);
    outputs.commit();
    warnings.release();
  } catch (const CLI::CallForHelp& e) {
    return {app->exit(e), "", ""};
  } catch (const CLI::CallForAllHelp& e) {
    return {app->exit(e), "", ""};
  } catch (const CLI::ParseError& e) {
    return failure(2, "error: ", std::string(e.what()) + " (see 'vigil --help')");
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::Internal) return failure(1, "error: ", e.what());
    return failure(e.kind() == ErrorKind::FaultDetected ? 3 : 2, "error: ", e.what());
  } catch (const std::bad_alloc&) {
    return failure(2, "error: ", "out of memory");
  } catch (const std::exception& e) {
    return failure(1, "internal error: ", e.what());
  }
  return {};
}

}  // namespace vigil::cli

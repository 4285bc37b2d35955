// SPDX-License-Identifier: Apache-2.0
// `vigil peaks`: the machine's measured roofline (perf/machine_peaks.h): the fp32 and
// int8 arithmetic peaks and the memory bandwidth on one core and on all threads, the
// clock they ran at, each arithmetic peak over its theory, and the ridge points. The
// figures come from the cache (perf/peaks_cache.h) unless --force measures them again.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "perf/machine_peaks.h"
#include "perf/peaks_cache.h"

namespace vigil::cli {

namespace {

struct PeaksCommandOptions {
  bool force = false;
  int threads = 0;
  std::string json;
};

// One row: the figure on one core and on all threads, and, where there is a theory, one
// core's share of it.
void print_row(const char* what, const perf::PeakPair& pair, double theory_per_core) {
  if (pair.one_core <= 0.0) {
    std::printf("  %-34s %12s\n", what, "not on this CPU");
    return;
  }
  std::printf("  %-46s %12.1f %12.1f", what, pair.one_core, pair.all_cores);
  if (theory_per_core > 0.0) {
    std::printf(" %12.1f %9.1f%%", theory_per_core, 100.0 * pair.one_core / theory_per_core);
  }
  std::printf("\n");
}

void peaks(const PeaksCommandOptions& options) {
  check_output_folder("--json", options.json);
  const perf::FoundPeaks found = perf::find_machine_peaks(options.force, options.threads);
  const perf::MachinePeaks& peaks = found.peaks;
  const perf::TheoreticalPeaks theory = perf::theoretical_peaks(peaks);
  std::printf("%s, clock %.2f GHz under load; all threads = %d\n", peaks.cpu_model.c_str(), peaks.clock_ghz,
              peaks.cores);
  if (found.cache_path.empty()) {
    std::printf("measured now (no cache: neither XDG_CACHE_HOME nor HOME is set)\n\n");
  } else {
    std::printf("%s %s\n\n", found.from_cache ? "from the cache" : "measured now, cached in", found.cache_path.c_str());
  }
  std::printf("  %-46s %12s %12s %12s %10s\n", "", "one core", "all threads", "theory/core", "of theory");
  print_row("fp32 AVX2 GFLOP/s", peaks.fp32_avx2, theory.fp32_avx2_gflops);
  print_row("fp32 AVX-512 GFLOP/s", peaks.fp32_avx512, theory.fp32_avx512_gflops);
  const std::string int8 = "int8 GOP/s (" + peaks.int8_loop + ")";
  print_row(int8.c_str(), peaks.int8, theory.int8_gops);
  const std::string bits = "1-bit GOP/s (" + peaks.bitserial_loop + ")";
  print_row(bits.c_str(), peaks.bitserial, 0.0);
  print_row("memory read GB/s", peaks.read_gbs, 0.0);
  print_row("memory triad GB/s", peaks.triad_gbs, 0.0);
  print_row("ridge fp32 flop/byte (triad)", {peaks.fp32_ridge(1), peaks.fp32_ridge(peaks.cores)}, 0.0);
  print_row("ridge int8 op/byte (triad)", {peaks.int8_ridge(1), peaks.int8_ridge(peaks.cores)}, 0.0);
  std::fflush(stdout);

  nlohmann::json report = perf::machine_peaks_json(peaks);
  report["from_cache"] = found.from_cache;
  report["theory_per_core"] = {{"fp32_avx2_gflops", theory.fp32_avx2_gflops},
                               {"fp32_avx512_gflops", theory.fp32_avx512_gflops},
                               {"int8_gops", theory.int8_gops}};
  report["ridge_ops_per_byte"] = {
      {"fp32", {{"one_core", peaks.fp32_ridge(1)}, {"all_cores", peaks.fp32_ridge(peaks.cores)}}},
      {"int8", {{"one_core", peaks.int8_ridge(1)}, {"all_cores", peaks.int8_ridge(peaks.cores)}}}};
  write_json_file(options.json, report);
}

}  // namespace

void add_peaks_command(CLI::App& app) {
  auto options = std::make_shared<PeaksCommandOptions>();
  CLI::App* command = app.add_subcommand("peaks",
                                         "Measure the machine's roofline: fp32, int8 and 1-bit arithmetic peaks and "
                                         "memory bandwidth, on one core and on all "
                                         "threads (cached per CPU model; --force measures again)");
  command->add_flag("--force", options->force, "measure again even if the figures are cached");
  command
      ->add_option("--threads", options->threads,
                   "threads of the \"all threads\" figures (default: the CPUs this process may use)")
      ->check(CLI::Range(1, 256));
  command->add_option("--json", options->json, "write the figures as JSON to this file");
  command->callback([options] { peaks(*options); });
}

}  // namespace vigil::cli

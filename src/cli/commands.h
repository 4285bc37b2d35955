// SPDX-License-Identifier: Apache-2.0
// The subcommands of `vigil`, one file each. Each add_*_command registers its options
// and a callback on the application; main.cc turns errors into one line and an exit code.
#pragma once

#include <CLI/CLI.hpp>

namespace vigil::cli {

void add_info_command(CLI::App& app);
void add_run_command(CLI::App& app);
void add_eval_command(CLI::App& app);
void add_ops_command(CLI::App& app);
void add_bench_command(CLI::App& app);
void add_kernels_command(CLI::App& app);
void add_profile_command(CLI::App& app);
void add_peaks_command(CLI::App& app);
void add_predict_command(CLI::App& app);
void add_dse_command(CLI::App& app);
void add_quantize_command(CLI::App& app);
void add_abft_command(CLI::App& app);
void add_inject_command(CLI::App& app);

}  // namespace vigil::cli

// SPDX-License-Identifier: Apache-2.0
// The mapper's flags, which `vigil predict` and `vigil dse` share: --objective,
// --evaluations and --seed on a command, and the MapperOptions they give once checked
// (each command adds its own --threads, whose meaning differs).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "accel/mapper.h"

namespace vigil::cli {

void add_mapper_flags(CLI::App* command, std::string& objective, accel::MapperOptions& search);

// `search` with the objective parsed; a bad-input Error naming the flag for an unknown
// objective (the numeric flags are bounded where they are declared).
accel::MapperOptions checked_mapper_options(const std::string& objective, accel::MapperOptions search);

}  // namespace vigil::cli

// SPDX-License-Identifier: Apache-2.0
// The mapper's shared flags (mapper_flags.h).
#include "cli/mapper_flags.h"

#include "cli/seed_flag.h"

namespace vigil::cli {

void add_mapper_flags(CLI::App* command, std::string& objective, accel::MapperOptions& search) {
  command->add_option("--objective", objective, "what the mapper minimizes per layer: energy, latency or edp")
      ->capture_default_str();
  command->add_option("--evaluations", search.max_evaluations, "mappings the mapper tries per layer")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{1}, int64_t{1000000000}));
  command->add_option("--seed", search.seed, "the mapper's seed (same seed, same mappings)")
      ->capture_default_str()
      ->check(seed_flag_check());
}

accel::MapperOptions checked_mapper_options(const std::string& objective, accel::MapperOptions search) {
  search.objective = accel::parse_objective(objective);  // the numbers are bounded by their flags
  return search;
}

}  // namespace vigil::cli

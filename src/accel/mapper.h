// SPDX-License-Identifier: Apache-2.0
// The mapper: a search over mappings of one layer for the lowest energy, latency or
// energy-delay product. Each candidate splits every dimension's prime factors among the
// memory levels and the array's rows and columns and orders each level's loops; the
// evaluator rejects candidates that do not fit. Candidate number i is a pure function
// of (seed, i), and the best is the lowest cost with ties to the lowest i, so a search
// bounded by evaluations returns the same mapping for any thread count; a time bound
// stops it early (and then the result depends on the machine's speed).
#pragma once

#include <cstdint>
#include <string>

#include "accel/arch_spec.h"
#include "accel/evaluate.h"
#include "accel/mapping.h"
#include "accel/problem.h"

namespace vigil::accel {

enum class Objective { Energy, Latency, Edp };

const char* objective_name(Objective objective);
// A bad-input Error naming the flag and the choices for an unknown name.
Objective parse_objective(const std::string& name);
double objective_cost(Objective objective, const EvalResult& result);

struct MapperOptions {
  Objective objective = Objective::Edp;
  uint64_t seed = 1;
  int64_t max_evaluations = 100000;
  double max_seconds = 0;  // 0: bounded by evaluations only
  int threads = 1;
};

struct MapperResult {
  bool found = false;  // false: no candidate fitted
  Mapping mapping;
  EvalResult result;
  double cost = 0;
  int64_t index = -1;  // the winning candidate's number
  int64_t evaluations = 0;
  int64_t valid = 0;  // candidates that fitted
};

// Fills `mapping` with candidate number `index` for `seed` (reusing its storage).
void candidate_mapping(const ArchSpec& arch, const Layer& layer, uint64_t seed, int64_t index, Mapping& mapping);

MapperResult search_mapping(const ArchSpec& arch, const Layer& layer, const MapperOptions& options);

}  // namespace vigil::accel

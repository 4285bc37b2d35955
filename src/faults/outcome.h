// SPDX-License-Identifier: Apache-2.0
// The outcome of one injection, from the faulty outputs against the fault-free ones:
// masked (equal bit for bit), a tolerable silent data corruption (outputs changed, the
// top-1 class of every row the same), a critical one (a top-1 class changed), a detected
// unrecoverable error (a NaN or infinity the fault-free run did not have, or an error the
// inference raised), or, with ABFT, detected (an uncorrected fault stopped the inference)
// and corrected (ABFT ran a step again and the outputs came back fault-free). Scores are
// the first output's last axis, one row per batch item.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.h"

namespace vigil::faults {

enum class Outcome { Masked, TolerableSdc, CriticalSdc, Due, Detected, Corrected };
inline constexpr int kOutcomeCount = 6;

const char* outcome_name(Outcome outcome);  // "masked", "sdc_tolerable", "sdc_critical", "due", "detected", "corrected"
Outcome parse_outcome(const std::string& name);  // a bad-input Error for an unknown name

struct OutcomeDetail {
  Outcome outcome = Outcome::Masked;
  bool top5_changed = false;  // the fault-free top-1 class left the faulty top 5
  int label_changed = 0;      // with labels: +1 a correct answer turned wrong, -1 a wrong one right
  std::string due;            // why a DUE: "NaN or infinity", or the error's line
  int64_t top1 = -1;          // the faulty top-1 class of the first row; -1 without scores
  double change = 0;          // the largest |faulty - fault-free| over the first output (NaN if not finite)
};

// The top-1 class of each row of the first output; empty when it has no elements.
std::vector<int64_t> top1_classes(const std::vector<Value>& outputs);

// `label` < 0: none. `corrected`: ABFT reran a step in this inference.
OutcomeDetail classify_outcome(const std::vector<Value>& fault_free, const std::vector<Value>& faulty, int64_t label,
                               bool corrected);

}  // namespace vigil::faults

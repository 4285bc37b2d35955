// SPDX-License-Identifier: Apache-2.0
// The injections of a campaign, drawn one by one from the seed and their own number
// alone: injection i is the same wherever and whenever it runs (another thread, a resumed
// campaign, another MPI rank), so a seed reproduces a campaign bit for bit. Each fault
// picks a target with probability proportional to the faults it holds (elements times bit
// positions), then an element, then its bits.
#pragma once

#include <cstdint>
#include <vector>

#include "faults/fault_model.h"
#include "faults/fault_sites.h"

namespace vigil::faults {

struct CampaignDesign {
  std::vector<FaultModel> models;  // one is drawn per fault, uniformly
  int faults_per_inference = 1;
  int64_t inputs = 1;  // injection i runs on input i mod inputs
  uint64_t seed = 0;
};

struct Fault {
  size_t target = 0;  // into the target list
  size_t model = 0;   // into CampaignDesign::models
  int64_t element = 0;
  uint64_t mask = 0;  // the bit positions a bit fault acts on
  uint64_t random_word = 0;
};

struct Injection {
  int64_t index = 0;
  int64_t input = 0;
  std::vector<Fault> faults;
};

// Checks every model against every target's type (bit ranges); a bad-input Error naming the flag.
void check_design(const CampaignDesign& design, const std::vector<FaultTarget>& targets);

Injection draw_injection(const CampaignDesign& design, const std::vector<FaultTarget>& targets, int64_t index);

// The number of distinct single faults the design can draw (Leveugle's N); 0 when
// several faults per inference make it too large to matter.
double fault_population(const CampaignDesign& design, const std::vector<FaultTarget>& targets);

}  // namespace vigil::faults

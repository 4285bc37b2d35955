// SPDX-License-Identifier: Apache-2.0
// Drawing injections with a counter-based generator over seed and index.
#include "faults/injection_plan.h"

#include <cmath>

#include "core/error.h"
#include "faults/counter_rng.h"

namespace vigil::faults {

namespace {

// How many positions a bit fault of `model` may take in a value of `dtype` (ways to pick
// model.bits distinct positions); 1 for value faults.
double positions(const FaultModel& model, DType dtype) {
  if (!model.acts_on_bits()) return 1;
  const int span = model.top_bit(dtype) - model.low_bit + 1;
  double ways = 1;
  for (int i = 0; i < model.bits; ++i) ways = ways * (span - i) / (i + 1);
  return ways;
}

}  // namespace

void check_design(const CampaignDesign& design, const std::vector<FaultTarget>& targets) {
  check_input(!design.models.empty(), "--fault: no fault model given");
  check_input(design.faults_per_inference >= 1, "--faults ", design.faults_per_inference, " is not a positive count");
  check_input(design.inputs >= 1, "a campaign needs at least one input");
  for (const FaultModel& model : design.models) {
    for (const FaultTarget& target : targets) {
      model.top_bit(target.dtype);
      if (!model.spatial) continue;
      check_input(target.kind == SiteKind::Output, "--fault ", spatial_pattern_name(model.pattern),
                  ": spatial patterns corrupt node outputs (--site outputs), not ", site_kind_name(target.kind));
      check_input(model.value_class != ValueClass::NaN || dtype_is_float(target.dtype), "--values nan: output '",
                  target.tensor, "' of ", target.node, " is ", dtype_name(target.dtype),
                  " and holds no NaN (choose float outputs with --node or --op)");
    }
  }
}

Injection draw_injection(const CampaignDesign& design, const std::vector<FaultTarget>& targets, int64_t index) {
  CounterRng random(design.seed, static_cast<uint64_t>(index));
  Injection injection;
  injection.index = index;
  injection.input = index % design.inputs;
  for (int f = 0; f < design.faults_per_inference; ++f) {
    Fault fault;
    fault.model = random.below(design.models.size());
    const FaultModel& model = design.models[fault.model];
    double total = 0;
    for (const FaultTarget& target : targets) total += static_cast<double>(target.elements) * positions(model, target.dtype);
    double pick = random.unit() * total;
    fault.target = targets.size() - 1;
    for (size_t t = 0; t < targets.size(); ++t) {
      pick -= static_cast<double>(targets[t].elements) * positions(model, targets[t].dtype);
      if (pick < 0) {
        fault.target = t;
        break;
      }
    }
    const FaultTarget& target = targets[fault.target];
    fault.element = static_cast<int64_t>(random.below(static_cast<uint64_t>(target.elements)));
    if (model.acts_on_bits()) {
      const int top = model.top_bit(target.dtype);
      // `bits` distinct positions in [low_bit, top], by rejection (a handful of draws).
      for (int placed = 0; placed < model.bits;) {
        const uint64_t bit = uint64_t{1} << (model.low_bit + random.below(top - model.low_bit + 1));
        if (fault.mask & bit) continue;
        fault.mask |= bit;
        ++placed;
      }
    }
    fault.random_word = random.next();
    injection.faults.push_back(fault);
  }
  return injection;
}

double fault_population(const CampaignDesign& design, const std::vector<FaultTarget>& targets) {
  if (design.faults_per_inference > 1) return 0;
  double total = 0;
  for (const FaultModel& model : design.models) {
    for (const FaultTarget& target : targets) total += static_cast<double>(target.elements) * positions(model, target.dtype);
  }
  return total;
}

}  // namespace vigil::faults

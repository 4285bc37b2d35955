// SPDX-License-Identifier: Apache-2.0
// The faults of one injection, put into one inference: a step hook installed on the
// session for that inference (replayed from the first faulted step, or run in full).
// - an output fault replaces the step's output by a corrupted copy (a step's output may
//   be a view of its input or of a weight, which must stay intact);
// - a weight fault runs each step that reads the weight again with an operator made from
//   a corrupted copy of it, so that packed or transformed weights carry the fault too;
// - an accumulator fault corrupts one int32 sum inside the step's int8 GEMMs, before
//   requantization and, when ABFT is on, before the checksum sees it;
// - an input fault corrupts a copy of the fed input;
// - a spatial pattern (CLASSES) replaces a group of values of a step's output.
// Flips, random values and zeros are transient: a step that ABFT runs again runs clean.
// Stuck-at bits are permanent and hold on every run.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "faults/accumulator_tap.h"
#include "faults/injection_plan.h"
#include "runtime/session.h"

namespace vigil::faults {

// What one fault did to its value.
struct AppliedFault {
  bool applied = false;
  double before = 0, after = 0;  // of the faulted value (a pattern's anchor)
  int64_t elements = 0;          // values corrupted
};

class FaultInjector final : public StepHook {
 public:
  FaultInjector(const Session& session, const std::vector<FaultTarget>& targets, const CampaignDesign& design,
                const Injection& injection);
  ~FaultInjector() override;

  // The steps a replay must run, ascending.
  const std::vector<size_t>& forced_steps() const { return forced_; }
  // Those of them that only faults in their outputs hit: the hook replaces their outputs
  // by corrupted copies, so a replay may hand it the traced outputs instead of running them.
  const std::vector<size_t>& output_fault_steps() const { return output_only_; }
  // The fed inputs that the input faults corrupt, corrupted (copies).
  std::map<std::string, Tensor> corrupted_inputs(const std::map<std::string, Tensor>& feeds);

  void before_step(const StepEvent& event) override;
  StepVerdict after_step(StepEvent& event) override;

  const std::vector<AppliedFault>& applied() const { return applied_; }

 private:
  struct CorruptedWeight;
  // Corrupts `data` (a tensor of `dtype`) at fault f's element; records what it did.
  void corrupt(size_t f, void* data, DType dtype, int64_t element);
  // Corrupts the elements of fault f's spatial pattern in `output`.
  void corrupt_pattern(size_t f, Tensor& output);
  void rerun_with_weights(StepEvent& event);
  void corrupt_tile(size_t step, const kernels::S32Tile& tile, int64_t first);

  const Session& session_;
  const std::vector<FaultTarget>& targets_;
  const CampaignDesign& design_;
  const Injection& injection_;
  std::vector<size_t> forced_;
  std::vector<size_t> output_only_;
  std::vector<std::unique_ptr<CorruptedWeight>> weights_;
  std::unique_ptr<AccumulatorTap> tap_;
  int attempt_ = 0;
  std::vector<AppliedFault> applied_;
};

}  // namespace vigil::faults

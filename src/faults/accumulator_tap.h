// SPDX-License-Identifier: Apache-2.0
// A tap on the int32 accumulators of the int8 GEMMs inside one step: a step hook that,
// while the chosen step runs, puts a tile hook on the thread's GEMM context
// (kernels/gemm_check.h), so that every product the operator runs hands its tiles'
// sums to `on_tile` before requantization. Fault-site discovery counts the accumulators
// with it; the injector corrupts one of them. The accumulators of a step are numbered in
// the order the tiles pass, which is fixed for a session of one thread. The hook goes on
// the context that the session's step loop opened, so an error inside the step, which
// closes that context, takes the hook away too.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/gemm_check.h"
#include "runtime/step_hook.h"

namespace vigil::faults {

class AccumulatorTap final : public StepHook {
 public:
  // `steps` by execution index: which steps to tap (non-zero). `visit(step, tile, first)`
  // sees each tile of a tapped step, its accumulators numbered from `first` in the step.
  AccumulatorTap(std::vector<char> steps, std::function<void(size_t step, const kernels::S32Tile&, int64_t)> visit);

  void before_step(const StepEvent& event) override;
  StepVerdict after_step(StepEvent& event) override;
  bool reads_inputs_after_step() const override { return false; }

 private:
  static void on_tile(void* context, const kernels::S32Tile& tile);

  std::vector<char> steps_;
  std::function<void(size_t, const kernels::S32Tile&, int64_t)> visit_;
  kernels::S32TileHook hook_{};
  const kernels::S32TileHook* replaced_ = nullptr;
  bool tapping_ = false;
  size_t step_ = 0;
  int64_t seen_ = 0;
};

}  // namespace vigil::faults

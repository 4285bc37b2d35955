// SPDX-License-Identifier: Apache-2.0
// The accumulator tap: a tile hook put on the GEMM context before a tapped step, taken off after it.
#include "faults/accumulator_tap.h"

namespace vigil::faults {

AccumulatorTap::AccumulatorTap(std::vector<char> steps,
                               std::function<void(size_t step, const kernels::S32Tile&, int64_t)> visit)
    : steps_(std::move(steps)), visit_(std::move(visit)), hook_{&AccumulatorTap::on_tile, this} {}

void AccumulatorTap::before_step(const StepEvent& event) {
  if (event.index >= steps_.size() || !steps_[event.index]) return;
  step_ = event.index;
  seen_ = 0;
  kernels::GemmThreadContext& context = kernels::gemm_thread_context();
  replaced_ = context.s32_tile_hook;
  context.s32_tile_hook = &hook_;
  tapping_ = true;
}

StepVerdict AccumulatorTap::after_step(StepEvent&) {
  if (tapping_) kernels::gemm_thread_context().s32_tile_hook = replaced_;
  tapping_ = false;
  return StepVerdict::Accept;
}

void AccumulatorTap::on_tile(void* context, const kernels::S32Tile& tile) {
  auto* self = static_cast<AccumulatorTap*>(context);
  const int64_t first = self->seen_;
  self->seen_ += static_cast<int64_t>(tile.rows) * tile.cols;
  self->visit_(self->step_, tile, first);
}

}  // namespace vigil::faults

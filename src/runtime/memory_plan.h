// SPDX-License-Identifier: Apache-2.0
// The static memory plan of a session: every intermediate tensor of a planned inference
// gets an offset in one arena, fixed when the input shapes are first seen. Two tensors
// share bytes only if their lifetimes (from the step that writes them to the last step
// that reads them) do not overlap. Greedy by decreasing size, lowest fitting offset first
// (the "greedy by size" rule of TensorFlow Lite's and ONNX Runtime's planners).
#pragma once

#include <cstddef>
#include <vector>

namespace vigil {

struct BufferRequest {
  size_t bytes = 0;
  int first_step = 0;  // the step that writes it
  int last_step = 0;   // the last step that reads it (>= first_step)
};

struct ArenaLayout {
  std::vector<size_t> offsets;  // one per request, multiples of 64
  size_t total_bytes = 0;       // the arena size
};

ArenaLayout plan_arena(const std::vector<BufferRequest>& requests);

}  // namespace vigil

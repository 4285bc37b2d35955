// SPDX-License-Identifier: Apache-2.0
// Memory-bandwidth loops: a read-only sum and the STREAM triad a[i] = b[i] + s * c[i],
// over fp32 arrays far larger than the caches, timed by perf/memory_bandwidth.h. Vector
// loads and stores as the kernels do them (no non-temporal stores: the triad pays the
// write-allocate read as the GEMM's output does). One translation unit per path.
#pragma once

#include <cstdint>

namespace vigil::kernels {

struct StreamBandwidthLoops {
  const char* name;
  // The sum of data[0..count); its value keeps the compiler from dropping the loads.
  float (*read_sum)(const float* data, int64_t count);
  // a[i] = b[i] + scalar * c[i] for i in [0, count).
  void (*triad)(float* a, const float* b, const float* c, float scalar, int64_t count);
};

extern const StreamBandwidthLoops stream_bandwidth__avx2;

}  // namespace vigil::kernels

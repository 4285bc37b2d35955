// SPDX-License-Identifier: Apache-2.0
// The measured memory bandwidth: a read-only sum and the STREAM triad
// (kernels/stream_bandwidth.h) over buffers far larger than the last-level cache, on one
// core and on N threads, each thread streaming its own slice. These are the sloped roofs
// of the roofline: a layer whose data does not fit in the caches cannot run faster than
// its bytes over this figure.
#pragma once

#include <cstdint>

namespace vigil::perf {

struct MemoryBandwidth {
  int threads = 0;
  int64_t buffer_bytes = 0;  // the three triad arrays together; the read sum reads all of it
  double read_gbs = 0.0;     // 1e9 bytes per second
  double triad_gbs = 0.0;    // two reads and one write per element, as STREAM counts it
};

// Four times the last-level cache, at least 256 MiB, at most an eighth of the memory.
int64_t default_bandwidth_buffer_bytes();

// The best of `repeats` passes of each loop over a buffer of `buffer_bytes` (0: the
// default) on `threads` threads; the buffer asks for transparent huge pages, so that
// TLB misses do not count against the memory. A bad-input Error if threads < 1,
// repeats < 1 or the buffer is under 64 KiB or cannot be allocated.
MemoryBandwidth measure_memory_bandwidth(int threads, int64_t buffer_bytes = 0, int repeats = 4);

}  // namespace vigil::perf

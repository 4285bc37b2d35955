// SPDX-License-Identifier: Apache-2.0
// Streaming the bandwidth loops over one anonymous mapping split into the triad's three
// arrays, written once before any timing so that no page fault is timed. Timings are wall
// clock: bandwidth is shared by the cores, so a thread's own CPU time would not tell it.
// The read sum's result is dropped: the loop is called through a pointer into another
// translation unit, which the compiler cannot prove free of effects.
#include "perf/memory_bandwidth.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "core/error.h"
#include "core/thread_pool.h"
#include "kernels/stream_bandwidth.h"

namespace vigil::perf {

namespace {

constexpr int64_t kMinimumBytes = 64 << 10;

// An anonymous mapping of `count` floats, unmapped on destruction.
class StreamBuffer {
 public:
  explicit StreamBuffer(int64_t count) : bytes_(static_cast<size_t>(count) * sizeof(float)) {
    void* mapping = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check_input(mapping != MAP_FAILED, "memory bandwidth: cannot map a buffer of ", bytes_, " bytes");
    madvise(mapping, bytes_, MADV_HUGEPAGE);  // a hint; the figures stand without it
    data_ = static_cast<float*>(mapping);
  }
  ~StreamBuffer() { munmap(data_, bytes_); }
  StreamBuffer(const StreamBuffer&) = delete;
  StreamBuffer& operator=(const StreamBuffer&) = delete;
  float* data() const { return data_; }

 private:
  size_t bytes_;
  float* data_ = nullptr;
};

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Thread `thread` of `threads`: its slice [begin, end) of `count` elements, in whole cache lines.
void slice(int64_t count, int thread, int threads, int64_t& begin, int64_t& end) {
  const int64_t lines = count / 16;
  begin = lines * thread / threads * 16;
  end = thread + 1 == threads ? count : lines * (thread + 1) / threads * 16;
}

// The best wall time of `repeats` runs of `work(begin, end)` on every thread's slice.
template <typename Work>
double best_seconds(int threads, int repeats, int64_t count, const Work& work) {
  double best = 0.0;
  for (int repeat = 0; repeat < repeats; ++repeat) {
    const double start = wall_seconds();
    on_every_thread(threads, [&](int thread, int team) {
      int64_t begin = 0, end = 0;
      slice(count, thread, team, begin, end);
      work(begin, end);
    });
    const double seconds = wall_seconds() - start;
    if (repeat == 0 || seconds < best) best = seconds;
  }
  return best;
}

}  // namespace

int64_t default_bandwidth_buffer_bytes() {
  const int64_t last_level = std::max<int64_t>(sysconf(_SC_LEVEL3_CACHE_SIZE), sysconf(_SC_LEVEL2_CACHE_SIZE));
  const int64_t memory = static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE);
  const int64_t wanted = std::max<int64_t>(4 * last_level, int64_t{256} << 20);
  return memory > 0 ? std::min(wanted, memory / 8) : wanted;
}

MemoryBandwidth measure_memory_bandwidth(int threads, int64_t buffer_bytes, int repeats) {
  check_input(threads >= 1, "memory bandwidth: threads must be at least 1, not ", threads);
  check_input(repeats >= 1, "memory bandwidth: repeats must be at least 1, not ", repeats);
  if (buffer_bytes == 0) buffer_bytes = default_bandwidth_buffer_bytes();
  check_input(buffer_bytes >= kMinimumBytes, "memory bandwidth: the buffer must hold at least ", kMinimumBytes,
              " bytes, not ", buffer_bytes);
  const int64_t count = buffer_bytes / static_cast<int64_t>(3 * sizeof(float));  // per array
  StreamBuffer buffer(3 * count);
  float* a = buffer.data();
  const float* b = a + count;
  const float* c = a + 2 * count;
  const kernels::StreamBandwidthLoops& loops = kernels::stream_bandwidth__avx2;

  on_every_thread(threads, [&](int thread, int team) {
    int64_t begin = 0, end = 0;
    slice(3 * count, thread, team, begin, end);
    std::fill(a + begin, a + end, 1.0f);
  });

  MemoryBandwidth bandwidth;
  bandwidth.threads = threads;
  bandwidth.buffer_bytes = 3 * count * static_cast<int64_t>(sizeof(float));
  const double bytes = static_cast<double>(bandwidth.buffer_bytes);
  const double read_seconds = best_seconds(threads, repeats, 3 * count,
                                           [&](int64_t begin, int64_t end) { loops.read_sum(a + begin, end - begin); });
  const double triad_seconds = best_seconds(threads, repeats, count, [&](int64_t begin, int64_t end) {
    loops.triad(a + begin, b + begin, c + begin, 0.5f, end - begin);
  });
  bandwidth.read_gbs = bytes / read_seconds * 1e-9;
  bandwidth.triad_gbs = bytes / triad_seconds * 1e-9;
  return bandwidth;
}

}  // namespace vigil::perf

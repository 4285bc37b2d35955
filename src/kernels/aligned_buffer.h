// SPDX-License-Identifier: Apache-2.0
// Growable 64-byte aligned scratch memory. Kernels keep one per worker (kernels/worker_scratch.h)
// or per thread (core/thread_scratch.h) for the operand they pack on the fly: it grows to the largest size a model needs during
// the first inference and is reused afterwards, so steady-state inference allocates nothing.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>

namespace vigil::kernels {

class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  AlignedBuffer(const AlignedBuffer&) = delete;
  AlignedBuffer& operator=(const AlignedBuffer&) = delete;
  ~AlignedBuffer() { std::free(data_); }

  // At least `count` floats; the contents are not kept when it grows.
  float* floats(size_t count) {
    reserve_bytes(count * sizeof(float));
    return static_cast<float*>(data_);
  }
  size_t capacity_bytes() const { return capacity_; }
  // As large as the other (a ThreadScratch's grow).
  void grow_to(const AlignedBuffer& other) { reserve_bytes(other.capacity_); }
  // At least `bytes`; the contents are not kept when it grows.
  void reserve_bytes(size_t bytes) {
    bytes = (bytes + 63) / 64 * 64;
    if (bytes > capacity_) {
      std::free(data_);
      data_ = std::aligned_alloc(64, bytes);
      if (!data_) throw std::bad_alloc();
      capacity_ = bytes;
    }
  }

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

}  // namespace vigil::kernels

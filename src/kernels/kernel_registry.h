// SPDX-License-Identifier: Apache-2.0
// The one way a kernel family chooses its kernel. A family lists its kernels once, from
// the least to the most capable (an X-macro .inc or a constant array), each with the CPU
// features it needs (core/cpu_features.h; the scalar kernel needs none, so there is
// always one); the chosen kernel is the most capable one whose needs the allowed features
// contain. active() remembers its choice until the active features change (VIGIL_ISA,
// --isa, tests) and logs each new choice at debug level. `vigil kernels`
// (kernels/kernel_families.h) and the tests walk the same lists.
#pragma once

#include <atomic>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/cpu_features.h"
#include "core/log.h"

namespace vigil::kernels {

// Kernel: any descriptor with `const char* name` and `CpuFeatures needs`.
template <typename Kernel>
class KernelRegistry {
 public:
  template <size_t N>
  constexpr KernelRegistry(const char* family, const Kernel* const (&kernels)[N])
      : family_(family), kernels_(kernels) {}

  const char* family() const { return family_; }
  std::span<const Kernel* const> kernels() const { return kernels_; }

  // The most capable kernel that `allowed` permits.
  const Kernel& best(CpuFeatures allowed) const { return *kernels_[best_index(allowed)]; }

  // The most capable kernel that `allowed` permits and `fits` accepts (a kernel that
  // serves some shapes only); the first kernel must accept every shape.
  template <typename Fits>
  const Kernel& best(CpuFeatures allowed, Fits&& fits) const {
    for (size_t i = kernels_.size(); i-- > 1;) {
      if (allowed.contains(kernels_[i]->needs) && fits(*kernels_[i])) return *kernels_[i];
    }
    return *kernels_[0];
  }

  // best(active_features()), remembered for the active features of the moment.
  const Kernel& active() const {
    const CpuFeatures allowed = active_features();
    const uint64_t generation = active_features_generation();
    const uint64_t choice = choice_.load(std::memory_order_relaxed);
    if (choice != kNone && choice >> 32 == generation) return *kernels_[choice & 0xffffffffu];
    const size_t index = best_index(allowed);
    choice_.store(generation << 32 | index, std::memory_order_relaxed);
    log_debug("kernels: ", family_, " runs ", kernels_[index]->name, " (active features: ", allowed.to_string(), ")");
    return *kernels_[index];
  }

  // Whether this CPU can run `kernel` at all (whatever the user allows).
  static bool runs_here(const Kernel& kernel) { return detected_features().contains(kernel.needs); }

 private:
  static constexpr uint64_t kNone = ~uint64_t{0};

  size_t best_index(CpuFeatures allowed) const {
    for (size_t i = kernels_.size(); i-- > 0;) {
      if (allowed.contains(kernels_[i]->needs)) return i;
    }
    assert(false && "the first kernel of a family needs no feature");
    return 0;
  }

  const char* family_;
  std::span<const Kernel* const> kernels_;
  mutable std::atomic<uint64_t> choice_{kNone};
};

}  // namespace vigil::kernels

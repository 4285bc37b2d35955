// SPDX-License-Identifier: Apache-2.0
// A counter-based random generator: SplitMix64 started from a seed and a stream number,
// so that the draws of injection i (or of sweep point p, repetition r) depend on nothing
// else and come out the same on any thread, in any order, after any resume.
#pragma once

#include <cstdint>

namespace vigil::faults {

class CounterRng {
 public:
  CounterRng(uint64_t seed, uint64_t stream) : state_(seed ^ (stream * 0xD1B54A32D192ED03ull)) { next(); }
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) by the multiply-shift map (bias below 2^-40 for the sizes here).
  uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t state_;
};

}  // namespace vigil::faults

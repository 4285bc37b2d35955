// SPDX-License-Identifier: Apache-2.0
// The dependent-add chain behind clock_speed.h, in inline assembly so that the compiler
// can neither fold the adds nor split the chain: 16 adds on one register a step, while
// the loop counter runs on its own register beside it. The addend is a register, not an
// immediate: Intel cores since Golden Cove fold chains of adds of small immediates at
// rename and retire several a cycle (measured: 6.97 "GHz" on a 2.1 GHz Sapphire Rapids).
#include "perf/clock_speed.h"

#include <cstdint>

#include "perf/throughput_timing.h"

namespace vigil::perf {

namespace {

constexpr int kAddsPerStep = 16;

double add_chain(int64_t iterations) {
  uint64_t value = 0;
  const uint64_t one = 1;
  int64_t count = iterations;
  if (count > 0) {
    __asm__ volatile(
        "1:\n\t"
        "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
        "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
        "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
        "add %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\tadd %2, %0\n\t"
        "dec %1\n\t"
        "jnz 1b\n\t"
        : "+r"(value), "+r"(count)
        : "r"(one)
        : "cc");
  }
  return static_cast<double>(iterations) * kAddsPerStep;
}

}  // namespace

double measure_clock_ghz() { return measure_throughput("clock speed", add_chain, 1, 0.02, 5).ops_per_second * 1e-9; }

}  // namespace vigil::perf

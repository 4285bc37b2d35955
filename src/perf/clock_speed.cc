// The dependent-add chain behind clock_speed.h, in inline assembly so that the compiler
// can neither fold the adds nor split the chain: 16 adds on one register a step, while
// the loop counter runs on its own register beside it.
#include "perf/clock_speed.h"

#include <cstdint>

#include "perf/throughput_timing.h"

namespace vigil::perf {

namespace {

constexpr int kAddsPerStep = 16;

double add_chain(int64_t iterations) {
  uint64_t value = 0;
  int64_t count = iterations;
  if (count > 0) {
    __asm__ volatile(
        "1:\n\t"
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
        "dec %1\n\t"
        "jnz 1b\n\t"
        : "+r"(value), "+r"(count)
        :
        : "cc");
  }
  return static_cast<double>(iterations) * kAddsPerStep;
}

}  // namespace

double measure_clock_ghz() {
  return measure_throughput("clock speed", add_chain, 1, 0.02, 5).ops_per_second * 1e-9;
}

}  // namespace vigil::perf

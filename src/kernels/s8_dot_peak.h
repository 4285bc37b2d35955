// SPDX-License-Identifier: Apache-2.0
// int8 dot-product throughput loops: the integer arithmetic peak of one core on each
// path, the yardstick of `vigil peaks` and of the int8 kernels' micro-benchmarks. Each
// loop multiplies unsigned bytes by signed bytes and adds groups of four products into
// 32-bit lanes, as the int8 GEMM does (u8 activations x s8 weights), on enough
// independent accumulators that only throughput limits it. One translation unit per path
// (kernels/x86/<isa>/s8_dot_peak__<isa>.cc).
#pragma once

#include <cstdint>

#include "core/cpu_features.h"

namespace vigil::kernels {

// state: chains x lanes int32 accumulators, chain-major. Every call adds
// iterations x 4 x a x b to every lane (4 = the products a 32-bit lane sums per step).
using S8DotPeakFunction = void (*)(int64_t iterations, uint8_t a, int8_t b, int32_t* state);

struct S8DotPeakLoop {
  const char* name;
  CpuFeatures needs;
  int chains;  // independent accumulators
  int lanes;   // 32-bit lanes per vector register
  S8DotPeakFunction run;
  // Operations of one call: each of the 4 x lanes byte products is a multiply and an add.
  double ops(int64_t iterations) const { return 2.0 * 4.0 * static_cast<double>(iterations) * chains * lanes; }
};

// AVX2: vpmaddubsw (u8 x s8 pairs to int16), vpmaddwd by ones (pairs of int16 to int32),
// vpaddd. The two multiplies share the two vector-multiply pipes.
extern const S8DotPeakLoop s8_dot_peak__avx2;
// AVX-VNNI: one VEX vpdpbusd per 32 byte products (ymm), on CPUs with or without AVX-512.
extern const S8DotPeakLoop s8_dot_peak__avxvnni;
// AVX-512 VNNI: one vpdpbusd per 64 byte products, fused into the accumulator.
extern const S8DotPeakLoop s8_dot_peak__avx512vnni;

// The loops above, from the least to the most capable.
inline constexpr const S8DotPeakLoop* kS8DotPeakLoops[] = {&s8_dot_peak__avx2, &s8_dot_peak__avxvnni,
                                                           &s8_dot_peak__avx512vnni};
// The most capable loop whose needs `allowed` contains (nullptr: none, below AVX2): the
// yardstick of a kernel that needs `allowed`.
inline const S8DotPeakLoop* s8_dot_peak_loop(CpuFeatures allowed) {
  const S8DotPeakLoop* best = nullptr;
  for (const S8DotPeakLoop* loop : kS8DotPeakLoops) {
    if (allowed.contains(loop->needs)) best = loop;
  }
  return best;
}

}  // namespace vigil::kernels

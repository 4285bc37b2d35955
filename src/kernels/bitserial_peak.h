// SPDX-License-Identifier: Apache-2.0
// Bit-product throughput loops: the peak of the bit-serial GEMM's arithmetic
// (kernels/bitserial_gemm.h), the yardstick of `vigil peaks` and of the profile's low-bit
// layers. Each step ANDs two 64-bit words per lane, counts the set bits and adds the
// count to the lane, as the kernels do for one plane pair, on enough independent chains
// that only throughput limits it. A bit product and its add count as two operations, as
// the multiply-add of the 1-bit layer it stands for. One translation unit per path.
#pragma once

#include <cstdint>

#include "core/cpu_features.h"

namespace vigil::kernels {

// state: chains x lanes uint64 counts, chain-major. Every call adds
// iterations x popcount(a & b) to every lane.
using BitSerialPeakFunction = void (*)(int64_t iterations, uint64_t a, uint64_t b, uint64_t* state);

struct BitSerialPeakLoop {
  const char* name;
  CpuFeatures needs;
  int chains;  // independent counts
  int lanes;   // 64-bit lanes per vector register
  BitSerialPeakFunction run;
  // Operations of one call: each of the 64 x lanes bit products is a multiply and an add.
  double ops(int64_t iterations) const { return 2.0 * 64.0 * static_cast<double>(iterations) * chains * lanes; }
};

// AVX2: vpand, then the nibbles' counts by two vpshufb look-ups, vpaddb, and vpsadbw to
// the 64-bit lane (the AVX2 kernel sums bytes over up to 31 words before its vpsadbw, so
// it can pass this loop a little).
extern const BitSerialPeakLoop bitserial_peak__avx2;
// AVX-512 VPOPCNTDQ: vpandq, vpopcntq, vpaddq.
extern const BitSerialPeakLoop bitserial_peak__avx512vpopcntdq;

// The loops above, from the least to the most capable.
inline constexpr const BitSerialPeakLoop* kBitSerialPeakLoops[] = {&bitserial_peak__avx2,
                                                                   &bitserial_peak__avx512vpopcntdq};
// The most capable loop whose needs `allowed` contains (nullptr: none, below AVX2).
inline const BitSerialPeakLoop* bitserial_peak_loop(CpuFeatures allowed) {
  const BitSerialPeakLoop* best = nullptr;
  for (const BitSerialPeakLoop* loop : kBitSerialPeakLoops) {
    if (allowed.contains(loop->needs)) best = loop;
  }
  return best;
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The AVX-512 throughput loop (kernels/f32_fma_peak.h): 16 zmm chains, which covers an FMA
// latency of up to 8 cycles on two 512-bit pipes, well inside the 32 zmm registers. Named
// accumulators, not an array: GCC 12 would keep an array in memory. Compiled with the
// AVX-512 flags.
#include <immintrin.h>

#include "kernels/f32_fma_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 16, kLanes = 16;

void run(int64_t iterations, float multiplier, float addend, float* state) {
  const __m512 m = _mm512_set1_ps(multiplier), a = _mm512_set1_ps(addend);
  __m512 c0 = _mm512_loadu_ps(state + 0 * kLanes), c1 = _mm512_loadu_ps(state + 1 * kLanes),
         c2 = _mm512_loadu_ps(state + 2 * kLanes), c3 = _mm512_loadu_ps(state + 3 * kLanes),
         c4 = _mm512_loadu_ps(state + 4 * kLanes), c5 = _mm512_loadu_ps(state + 5 * kLanes),
         c6 = _mm512_loadu_ps(state + 6 * kLanes), c7 = _mm512_loadu_ps(state + 7 * kLanes),
         c8 = _mm512_loadu_ps(state + 8 * kLanes), c9 = _mm512_loadu_ps(state + 9 * kLanes),
         c10 = _mm512_loadu_ps(state + 10 * kLanes), c11 = _mm512_loadu_ps(state + 11 * kLanes),
         c12 = _mm512_loadu_ps(state + 12 * kLanes), c13 = _mm512_loadu_ps(state + 13 * kLanes),
         c14 = _mm512_loadu_ps(state + 14 * kLanes), c15 = _mm512_loadu_ps(state + 15 * kLanes);
  for (int64_t i = 0; i < iterations; ++i) {
    c0 = _mm512_fmadd_ps(c0, m, a);
    c1 = _mm512_fmadd_ps(c1, m, a);
    c2 = _mm512_fmadd_ps(c2, m, a);
    c3 = _mm512_fmadd_ps(c3, m, a);
    c4 = _mm512_fmadd_ps(c4, m, a);
    c5 = _mm512_fmadd_ps(c5, m, a);
    c6 = _mm512_fmadd_ps(c6, m, a);
    c7 = _mm512_fmadd_ps(c7, m, a);
    c8 = _mm512_fmadd_ps(c8, m, a);
    c9 = _mm512_fmadd_ps(c9, m, a);
    c10 = _mm512_fmadd_ps(c10, m, a);
    c11 = _mm512_fmadd_ps(c11, m, a);
    c12 = _mm512_fmadd_ps(c12, m, a);
    c13 = _mm512_fmadd_ps(c13, m, a);
    c14 = _mm512_fmadd_ps(c14, m, a);
    c15 = _mm512_fmadd_ps(c15, m, a);
  }
  const __m512 chains[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15};
  for (int c = 0; c < kChains; ++c) _mm512_storeu_ps(state + c * kLanes, chains[c]);
}

}  // namespace

const F32FmaPeakLoop f32_fma_peak__avx512 = {"f32_fma_peak__avx512", Isa::Avx512, kChains, kLanes, run};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The AVX2+FMA throughput loop (kernels/f32_fma_peak.h): 12 ymm chains, which covers an FMA
// latency of up to 6 cycles on two pipes and leaves the multiplier and the addend in
// registers (14 of the 16 ymm). Named accumulators, not an array: GCC 12 would keep an
// array in memory and the loop would measure stores. Compiled with the AVX2 and FMA flags.
#include <immintrin.h>

#include "kernels/f32_fma_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 12, kLanes = 8;

void run(int64_t iterations, float multiplier, float addend, float* state) {
  const __m256 m = _mm256_set1_ps(multiplier), a = _mm256_set1_ps(addend);
  __m256 c0 = _mm256_loadu_ps(state + 0 * kLanes), c1 = _mm256_loadu_ps(state + 1 * kLanes),
         c2 = _mm256_loadu_ps(state + 2 * kLanes), c3 = _mm256_loadu_ps(state + 3 * kLanes),
         c4 = _mm256_loadu_ps(state + 4 * kLanes), c5 = _mm256_loadu_ps(state + 5 * kLanes),
         c6 = _mm256_loadu_ps(state + 6 * kLanes), c7 = _mm256_loadu_ps(state + 7 * kLanes),
         c8 = _mm256_loadu_ps(state + 8 * kLanes), c9 = _mm256_loadu_ps(state + 9 * kLanes),
         c10 = _mm256_loadu_ps(state + 10 * kLanes), c11 = _mm256_loadu_ps(state + 11 * kLanes);
  for (int64_t i = 0; i < iterations; ++i) {
    c0 = _mm256_fmadd_ps(c0, m, a);
    c1 = _mm256_fmadd_ps(c1, m, a);
    c2 = _mm256_fmadd_ps(c2, m, a);
    c3 = _mm256_fmadd_ps(c3, m, a);
    c4 = _mm256_fmadd_ps(c4, m, a);
    c5 = _mm256_fmadd_ps(c5, m, a);
    c6 = _mm256_fmadd_ps(c6, m, a);
    c7 = _mm256_fmadd_ps(c7, m, a);
    c8 = _mm256_fmadd_ps(c8, m, a);
    c9 = _mm256_fmadd_ps(c9, m, a);
    c10 = _mm256_fmadd_ps(c10, m, a);
    c11 = _mm256_fmadd_ps(c11, m, a);
  }
  const __m256 chains[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11};
  for (int c = 0; c < kChains; ++c) _mm256_storeu_ps(state + c * kLanes, chains[c]);
}

}  // namespace

const F32FmaPeakLoop f32_fma_peak__avx2 = {"f32_fma_peak__avx2", Isa::Avx2, kChains, kLanes, run};

}  // namespace vigil::kernels

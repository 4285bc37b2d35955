// SPDX-License-Identifier: Apache-2.0
// The AVX-512 VNNI int8 throughput loop (kernels/s8_dot_peak.h): 16 zmm accumulators,
// each step one vpdpbusd, which covers a latency of up to 8 cycles on two pipes.
// Compiled with the AVX-512 and VNNI flags; called only where the CPU has it.
#include <immintrin.h>

#include "kernels/s8_dot_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 16, kLanes = 16;

void run(int64_t iterations, uint8_t a_byte, int8_t b_byte, int32_t* state) {
  const __m512i a = _mm512_set1_epi8(static_cast<char>(a_byte)), b = _mm512_set1_epi8(b_byte);
  auto load = [&](int chain) { return _mm512_loadu_si512(state + chain * kLanes); };
  __m512i c0 = load(0), c1 = load(1), c2 = load(2), c3 = load(3), c4 = load(4), c5 = load(5), c6 = load(6),
          c7 = load(7), c8 = load(8), c9 = load(9), c10 = load(10), c11 = load(11), c12 = load(12), c13 = load(13),
          c14 = load(14), c15 = load(15);
  for (int64_t i = 0; i < iterations; ++i) {
    c0 = _mm512_dpbusd_epi32(c0, a, b);
    c1 = _mm512_dpbusd_epi32(c1, a, b);
    c2 = _mm512_dpbusd_epi32(c2, a, b);
    c3 = _mm512_dpbusd_epi32(c3, a, b);
    c4 = _mm512_dpbusd_epi32(c4, a, b);
    c5 = _mm512_dpbusd_epi32(c5, a, b);
    c6 = _mm512_dpbusd_epi32(c6, a, b);
    c7 = _mm512_dpbusd_epi32(c7, a, b);
    c8 = _mm512_dpbusd_epi32(c8, a, b);
    c9 = _mm512_dpbusd_epi32(c9, a, b);
    c10 = _mm512_dpbusd_epi32(c10, a, b);
    c11 = _mm512_dpbusd_epi32(c11, a, b);
    c12 = _mm512_dpbusd_epi32(c12, a, b);
    c13 = _mm512_dpbusd_epi32(c13, a, b);
    c14 = _mm512_dpbusd_epi32(c14, a, b);
    c15 = _mm512_dpbusd_epi32(c15, a, b);
  }
  const __m512i chains[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15};
  for (int c = 0; c < kChains; ++c) _mm512_storeu_si512(state + c * kLanes, chains[c]);
}

}  // namespace

const S8DotPeakLoop s8_dot_peak__avx512vnni = {
    "s8_dot_peak__avx512vnni", kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni}, kChains, kLanes, run};

}  // namespace vigil::kernels

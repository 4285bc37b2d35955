// SPDX-License-Identifier: Apache-2.0
// The AVX-512 VPOPCNTDQ bit-product throughput loop (kernels/bitserial_peak.h): 12 zmm
// counts, each step vpandq + vpopcntq + vpaddq. The loop is inline assembly, counts in
// zmm0-11 and temporaries in zmm12-15: with intrinsics GCC sees twelve identical
// products and computes one.
#include <immintrin.h>

#include "kernels/bitserial_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 12, kLanes = 8;

// clang-format off
#define VIGIL_BIT_STEP(c, temp)                            \
  "vpandq %[b], %[a], %%zmm" #temp "\n\t"                  \
  "vpopcntq %%zmm" #temp ", %%zmm" #temp "\n\t"            \
  "vpaddq %%zmm" #temp ", %%zmm" #c ", %%zmm" #c "\n\t"
#define VIGIL_BIT_LOAD(c) "vmovdqu64 " #c "*64(%[state]), %%zmm" #c "\n\t"
#define VIGIL_BIT_STORE(c) "vmovdqu64 %%zmm" #c ", " #c "*64(%[state])\n\t"
// clang-format on

void run(int64_t iterations, uint64_t a_word, uint64_t b_word, uint64_t* state) {
  if (iterations <= 0) return;
  const __m512i a = _mm512_set1_epi64(static_cast<long long>(a_word));
  const __m512i b = _mm512_set1_epi64(static_cast<long long>(b_word));
  static_assert(kChains == 12 && kLanes == 8, "the assembly below is written for 12 zmm chains");
  __asm__ volatile(
      VIGIL_BIT_LOAD(0) VIGIL_BIT_LOAD(1) VIGIL_BIT_LOAD(2) VIGIL_BIT_LOAD(3) VIGIL_BIT_LOAD(4) VIGIL_BIT_LOAD(5)
      VIGIL_BIT_LOAD(6) VIGIL_BIT_LOAD(7) VIGIL_BIT_LOAD(8) VIGIL_BIT_LOAD(9) VIGIL_BIT_LOAD(10) VIGIL_BIT_LOAD(11)
      "1:\n\t"
      VIGIL_BIT_STEP(0, 12) VIGIL_BIT_STEP(1, 13) VIGIL_BIT_STEP(2, 14) VIGIL_BIT_STEP(3, 15)
      VIGIL_BIT_STEP(4, 12) VIGIL_BIT_STEP(5, 13) VIGIL_BIT_STEP(6, 14) VIGIL_BIT_STEP(7, 15)
      VIGIL_BIT_STEP(8, 12) VIGIL_BIT_STEP(9, 13) VIGIL_BIT_STEP(10, 14) VIGIL_BIT_STEP(11, 15)
      "dec %[count]\n\t"
      "jnz 1b\n\t"
      VIGIL_BIT_STORE(0) VIGIL_BIT_STORE(1) VIGIL_BIT_STORE(2) VIGIL_BIT_STORE(3) VIGIL_BIT_STORE(4)
      VIGIL_BIT_STORE(5) VIGIL_BIT_STORE(6) VIGIL_BIT_STORE(7) VIGIL_BIT_STORE(8) VIGIL_BIT_STORE(9)
      VIGIL_BIT_STORE(10) VIGIL_BIT_STORE(11)
      : [count] "+r"(iterations)
      : [state] "r"(state), [a] "v"(a), [b] "v"(b)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",
        "xmm13", "xmm14", "xmm15", "cc", "memory");
}

#undef VIGIL_BIT_STEP
#undef VIGIL_BIT_LOAD
#undef VIGIL_BIT_STORE

}  // namespace

const BitSerialPeakLoop bitserial_peak__avx512vpopcntdq = {
    "bitserial_peak__avx512vpopcntdq", kAvx512Features | CpuFeatures{CpuFeature::Avx512Vpopcntdq}, kChains, kLanes,
    run};

}  // namespace vigil::kernels

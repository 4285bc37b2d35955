// SPDX-License-Identifier: Apache-2.0
// The AVX2 bit-product throughput loop (kernels/bitserial_peak.h): 6 ymm counts, each
// step vpand, the low and high nibbles' counts by vpshufb look-ups, vpaddb and vpsadbw
// into the 64-bit lanes. Inline assembly, for the reason kernels/x86/avx2/s8_dot_peak__avx2.cc
// gives: counts in ymm0-5, temporaries in ymm6-9, constants in registers GCC picks.
#include <immintrin.h>

#include "kernels/bitserial_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 6, kLanes = 4;

// clang-format off
#define VIGIL_BIT_STEP(c, t, u)                                  \
  "vpand %[b], %[a], %%ymm" #t "\n\t"                            \
  "vpsrlw $4, %%ymm" #t ", %%ymm" #u "\n\t"                      \
  "vpand %[low], %%ymm" #t ", %%ymm" #t "\n\t"                   \
  "vpand %[low], %%ymm" #u ", %%ymm" #u "\n\t"                   \
  "vpshufb %%ymm" #t ", %[table], %%ymm" #t "\n\t"               \
  "vpshufb %%ymm" #u ", %[table], %%ymm" #u "\n\t"               \
  "vpaddb %%ymm" #u ", %%ymm" #t ", %%ymm" #t "\n\t"             \
  "vpsadbw %[zero], %%ymm" #t ", %%ymm" #t "\n\t"                \
  "vpaddq %%ymm" #t ", %%ymm" #c ", %%ymm" #c "\n\t"
#define VIGIL_BIT_LOAD(c) "vmovdqu " #c "*32(%[state]), %%ymm" #c "\n\t"
#define VIGIL_BIT_STORE(c) "vmovdqu %%ymm" #c ", " #c "*32(%[state])\n\t"
// clang-format on

void run(int64_t iterations, uint64_t a_word, uint64_t b_word, uint64_t* state) {
  if (iterations <= 0) return;
  const __m256i a = _mm256_set1_epi64x(static_cast<long long>(a_word));
  const __m256i b = _mm256_set1_epi64x(static_cast<long long>(b_word));
  const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
  const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                         2, 3, 2, 3, 3, 4);
  static_assert(kChains == 6 && kLanes == 4, "the assembly below is written for 6 ymm chains");
  __asm__ volatile(
      VIGIL_BIT_LOAD(0) VIGIL_BIT_LOAD(1) VIGIL_BIT_LOAD(2) VIGIL_BIT_LOAD(3) VIGIL_BIT_LOAD(4) VIGIL_BIT_LOAD(5)
      "1:\n\t"
      VIGIL_BIT_STEP(0, 6, 7) VIGIL_BIT_STEP(1, 8, 9) VIGIL_BIT_STEP(2, 6, 7)
      VIGIL_BIT_STEP(3, 8, 9) VIGIL_BIT_STEP(4, 6, 7) VIGIL_BIT_STEP(5, 8, 9)
      "dec %[count]\n\t"
      "jnz 1b\n\t"
      VIGIL_BIT_STORE(0) VIGIL_BIT_STORE(1) VIGIL_BIT_STORE(2) VIGIL_BIT_STORE(3) VIGIL_BIT_STORE(4)
      VIGIL_BIT_STORE(5)
      : [count] "+r"(iterations)
      : [state] "r"(state), [a] "x"(a), [b] "x"(b), [low] "x"(low), [zero] "x"(zero), [table] "x"(table)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "cc", "memory");
}

#undef VIGIL_BIT_STEP
#undef VIGIL_BIT_LOAD
#undef VIGIL_BIT_STORE

}  // namespace

const BitSerialPeakLoop bitserial_peak__avx2 = {"bitserial_peak__avx2", kAvx2Features, kChains, kLanes, run};

}  // namespace vigil::kernels

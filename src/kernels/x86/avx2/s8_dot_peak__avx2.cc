// SPDX-License-Identifier: Apache-2.0
// The AVX2 int8 throughput loop (kernels/s8_dot_peak.h): 8 ymm accumulators, each
// step vpmaddubsw + vpmaddwd + vpaddd. The whole loop is inline assembly: with
// intrinsics, GCC 12 sees eight identical products, computes one and adds it to all eight
// accumulators, and even with the step in assembly it keeps the accumulators on the stack
// across iterations, so the loop would time loads and stores. Here the accumulators live
// in ymm0-7, two temporaries in ymm8-9, the inputs in registers GCC picks among the rest.
// vpmaddubsw saturates a pair's sum to int16, so only inputs with |2ab| <= 32767 give
// the exact sum the header promises (the timing does not care; the test stays inside).
#include <immintrin.h>

#include "kernels/s8_dot_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 8, kLanes = 8;

// One step of chain `c`: temp = pairs of int16 sums of a x b, then int32 sums of pairs.
// clang-format off
#define VIGIL_S8_DOT_STEP(c, temp)                       \
  "vpmaddubsw %[b], %[a], %%ymm" #temp "\n\t"            \
  "vpmaddwd %[ones], %%ymm" #temp ", %%ymm" #temp "\n\t" \
  "vpaddd %%ymm" #temp ", %%ymm" #c ", %%ymm" #c "\n\t"
// clang-format on

void run(int64_t iterations, uint8_t a_byte, int8_t b_byte, int32_t* state) {
  if (iterations <= 0) return;
  const __m256i a = _mm256_set1_epi8(static_cast<char>(a_byte)), b = _mm256_set1_epi8(b_byte);
  const __m256i ones = _mm256_set1_epi16(1);
  static_assert(kChains == 8 && kLanes == 8, "the assembly below is written for 8 ymm chains");
  __asm__ volatile(
      "vmovdqu 0(%[state]), %%ymm0\n\tvmovdqu 32(%[state]), %%ymm1\n\t"
      "vmovdqu 64(%[state]), %%ymm2\n\tvmovdqu 96(%[state]), %%ymm3\n\t"
      "vmovdqu 128(%[state]), %%ymm4\n\tvmovdqu 160(%[state]), %%ymm5\n\t"
      "vmovdqu 192(%[state]), %%ymm6\n\tvmovdqu 224(%[state]), %%ymm7\n\t"
      "1:\n\t"
      VIGIL_S8_DOT_STEP(0, 8) VIGIL_S8_DOT_STEP(1, 9) VIGIL_S8_DOT_STEP(2, 8) VIGIL_S8_DOT_STEP(3, 9)
      VIGIL_S8_DOT_STEP(4, 8) VIGIL_S8_DOT_STEP(5, 9) VIGIL_S8_DOT_STEP(6, 8) VIGIL_S8_DOT_STEP(7, 9)
      "dec %[count]\n\t"
      "jnz 1b\n\t"
      "vmovdqu %%ymm0, 0(%[state])\n\tvmovdqu %%ymm1, 32(%[state])\n\t"
      "vmovdqu %%ymm2, 64(%[state])\n\tvmovdqu %%ymm3, 96(%[state])\n\t"
      "vmovdqu %%ymm4, 128(%[state])\n\tvmovdqu %%ymm5, 160(%[state])\n\t"
      "vmovdqu %%ymm6, 192(%[state])\n\tvmovdqu %%ymm7, 224(%[state])\n\t"
      : [count] "+r"(iterations)
      : [state] "r"(state), [a] "x"(a), [b] "x"(b), [ones] "x"(ones)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "cc", "memory");
}

#undef VIGIL_S8_DOT_STEP

}  // namespace

const S8DotPeakLoop s8_dot_peak__avx2 = {"s8_dot_peak__avx2", kAvx2Features, kChains, kLanes, run};

}  // namespace vigil::kernels

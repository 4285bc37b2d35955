// SPDX-License-Identifier: Apache-2.0
// The AVX-VNNI int8 throughput loop (kernels/s8_dot_peak.h): 12 ymm accumulators, as many
// as the AVX-VNNI GEMM kernel keeps, each step one VEX-encoded vpdpbusd. The loop is inline
// assembly, for the reason the AVX2 loop gives (GCC 12 keeps intrinsic accumulators on the
// stack or moves them each step): the accumulators live in ymm0-11, the inputs in
// registers GCC picks among the rest. Compiled with the AVX2 and AVX-VNNI flags; called
// only where the CPU has AVX-VNNI.
#include <immintrin.h>

#include "kernels/s8_dot_peak.h"

namespace vigil::kernels {

namespace {

constexpr int kChains = 12, kLanes = 8;

// One step of chain `c`; `{vex}` asks for the VEX encoding (the EVEX one needs AVX-512).
#define VIGIL_S8_DOT_STEP(c) "%{vex%} vpdpbusd %[b], %[a], %%ymm" #c "\n\t"

void run(int64_t iterations, uint8_t a_byte, int8_t b_byte, int32_t* state) {
  if (iterations <= 0) return;
  const __m256i a = _mm256_set1_epi8(static_cast<char>(a_byte)), b = _mm256_set1_epi8(b_byte);
  static_assert(kChains == 12 && kLanes == 8, "the assembly below is written for 12 ymm chains");
  __asm__ volatile(
      "vmovdqu 0(%[state]), %%ymm0\n\tvmovdqu 32(%[state]), %%ymm1\n\t"
      "vmovdqu 64(%[state]), %%ymm2\n\tvmovdqu 96(%[state]), %%ymm3\n\t"
      "vmovdqu 128(%[state]), %%ymm4\n\tvmovdqu 160(%[state]), %%ymm5\n\t"
      "vmovdqu 192(%[state]), %%ymm6\n\tvmovdqu 224(%[state]), %%ymm7\n\t"
      "vmovdqu 256(%[state]), %%ymm8\n\tvmovdqu 288(%[state]), %%ymm9\n\t"
      "vmovdqu 320(%[state]), %%ymm10\n\tvmovdqu 352(%[state]), %%ymm11\n\t"
      "1:\n\t"
      VIGIL_S8_DOT_STEP(0) VIGIL_S8_DOT_STEP(1) VIGIL_S8_DOT_STEP(2) VIGIL_S8_DOT_STEP(3)
      VIGIL_S8_DOT_STEP(4) VIGIL_S8_DOT_STEP(5) VIGIL_S8_DOT_STEP(6) VIGIL_S8_DOT_STEP(7)
      VIGIL_S8_DOT_STEP(8) VIGIL_S8_DOT_STEP(9) VIGIL_S8_DOT_STEP(10) VIGIL_S8_DOT_STEP(11)
      "dec %[count]\n\t"
      "jnz 1b\n\t"
      "vmovdqu %%ymm0, 0(%[state])\n\tvmovdqu %%ymm1, 32(%[state])\n\t"
      "vmovdqu %%ymm2, 64(%[state])\n\tvmovdqu %%ymm3, 96(%[state])\n\t"
      "vmovdqu %%ymm4, 128(%[state])\n\tvmovdqu %%ymm5, 160(%[state])\n\t"
      "vmovdqu %%ymm6, 192(%[state])\n\tvmovdqu %%ymm7, 224(%[state])\n\t"
      "vmovdqu %%ymm8, 256(%[state])\n\tvmovdqu %%ymm9, 288(%[state])\n\t"
      "vmovdqu %%ymm10, 320(%[state])\n\tvmovdqu %%ymm11, 352(%[state])\n\t"
      : [count] "+r"(iterations)
      : [state] "r"(state), [a] "x"(a), [b] "x"(b)
      : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "cc",
        "memory");
}

#undef VIGIL_S8_DOT_STEP

}  // namespace

const S8DotPeakLoop s8_dot_peak__avxvnni = {"s8_dot_peak__avxvnni", kAvx2Features | CpuFeatures{CpuFeature::AvxVnni},
                                            kChains, kLanes, run};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The checksum kernels (kernels/gemm_checksum_predict.h) on AVX-512 VNNI: the fp32 ones of
// x86/avx512/gemm_checksum_f32__avx512.h, and the int8 prediction as the micro-kernel
// computes a row of C: per group of 4 k, one vpdpbusd per 16 columns and per digit of the
// checksum, the panel's unsigned bytes times the digits' 4 signed bytes broadcast, then the
// digits' sums shifted by 7 bits each and added modulo 2^32. Two digits (most layers) cost
// two vpdpbusd where the micro-kernel spends MR per row block. Compiled with the AVX-512
// and VNNI flags.
#include <immintrin.h>

#include <cstring>

// GCC 12's headers build the 256-bit halves of a zmm from an undefined merge source, which
// -Wmaybe-uninitialized (and -Wuninitialized) report at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"

#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"
#include "kernels/x86/avx512/gemm_checksum_f32__avx512.h"

namespace vigil::kernels {

namespace {

// The 4 digits d of group g, as one 32-bit lane.
int32_t digit_quad(const S32Checksum& checksum, int64_t groups, int d, int64_t g) {
  int32_t quad;
  std::memcpy(&quad, checksum.digits + d * 4 * groups + 4 * g, 4);
  return quad;
}

// nr / 16 vectors of columns, kDigits digits. Even and odd groups add into accumulators
// of their own: with two digits and 32 columns one set is four vpdpbusd chains, too few
// to cover the instruction's latency on two pipes.
template <int kVectors, int kDigits>
void s32_vnni(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int cols, uint32_t* expected) {
  __m512i sums[2][kVectors][kDigits];
  for (auto& parity : sums) {
    for (auto& vector : parity) {
      for (__m512i& digit : vector) digit = _mm512_setzero_si512();
    }
  }
  auto add_group = [&](int64_t g, __m512i (&into)[kVectors][kDigits]) {
    const uint8_t* group = panel + g * kVectors * 64;
    for (int d = 0; d < kDigits; ++d) {
      const __m512i quad = _mm512_set1_epi32(digit_quad(checksum, groups, d, g));
      for (int v = 0; v < kVectors; ++v) {
        into[v][d] = _mm512_dpbusd_epi32(into[v][d], _mm512_loadu_si512(group + v * 64), quad);
      }
    }
  };
  int64_t g = 0;
  for (; g + 2 <= groups; g += 2) {
    add_group(g, sums[0]);
    add_group(g + 1, sums[1]);
  }
  if (g < groups) add_group(g, sums[0]);
  for (int v = 0; v < kVectors; ++v) {
    for (int d = 0; d < kDigits; ++d) sums[0][v][d] = _mm512_add_epi32(sums[0][v][d], sums[1][v][d]);
  }
  for (int v = 0; v < kVectors; ++v) {
    __m512i total = sums[0][v][0];
    for (int d = 1; d < kDigits; ++d) total = _mm512_add_epi32(total, _mm512_slli_epi32(sums[0][v][d], 7 * d));
    const int live = cols - 16 * v;
    if (live <= 0) break;
    const __mmask16 mask = live >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << live) - 1);
    uint32_t* out = expected + 16 * v;
    _mm512_mask_storeu_epi32(out, mask, _mm512_add_epi32(_mm512_maskz_loadu_epi32(mask, out), total));
  }
}

template <int kVectors>
bool s32_vectors(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int cols, uint32_t* expected) {
  switch (checksum.digit_count) {
    case 1: s32_vnni<kVectors, 1>(checksum, groups, panel, cols, expected); return true;
    case 2: s32_vnni<kVectors, 2>(checksum, groups, panel, cols, expected); return true;
    case 3: s32_vnni<kVectors, 3>(checksum, groups, panel, cols, expected); return true;
    case 4: s32_vnni<kVectors, 4>(checksum, groups, panel, cols, expected); return true;
    case 5: s32_vnni<kVectors, 5>(checksum, groups, panel, cols, expected); return true;
    default: return false;
  }
}

void s32(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int nr, int cols, uint32_t* expected) {
  const bool done = nr == 32   ? s32_vectors<2>(checksum, groups, panel, cols, expected)
                    : nr == 16 ? s32_vectors<1>(checksum, groups, panel, cols, expected)
                               : false;
  if (!done) gemm_checksum_predict_loops::s32(checksum, groups, panel, nr, cols, expected);
}

}  // namespace

extern const GemmChecksumPredictKernel gemm_checksum_predict__avx512vnni;
const GemmChecksumPredictKernel gemm_checksum_predict__avx512vnni = {
    "gemm_checksum_predict__avx512vnni", kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni}, f32_predict_avx512, s32,
    gemm_checksum_predict_loops::f32_add_row,
    f64_add_rows_avx512};

}  // namespace vigil::kernels

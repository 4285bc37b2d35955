// SPDX-License-Identifier: Apache-2.0
// The AVX-512 VNNI int8 GEMM micro-kernel: an 8 x 32 tile of C in 16 zmm accumulators.
// Each group of 4 k is two loads of B (32 columns x 4 unsigned bytes), one vpbroadcastd of
// each row's 4 weight bytes into a register, and per row one vpdpbusd per B vector: 16
// independent chains cover its latency on two pipes. A single column takes a loop of its
// own (one 256-bit vpdpbusd a group). The epilogue requantizes the tile's
// sums (still in L1) from the rows' prepared constants (x86/avx512/requantize__avx512.h,
// bit-exact with kernels/requantize.h). Compiled with the AVX-512 and VNNI flags
// only.
#include <immintrin.h>

#include <cstring>

// GCC 12's 64-bit shift, min and max intrinsics pass an undefined vector as the unused
// merge source, which -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/x86/avx512/requantize__avx512.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 8, kColumns = 32;

// Rows of the stored tile, offset, converted and stored under the column masks. kTally:
// the fused check's column sums of the rows, before the offsets, from the same loads,
// added in registers and then to the tally modulo 2^32.
template <bool kTally>
void finish_tile(const QS8TileEpilogue& e, const int32_t (*tile)[kColumns], int rows, const __mmask16 masks[2],
                 char* out, int64_t row_bytes) {
  const avx512::ClampVector bounds = avx512::clamp_vector(e.c_zero_point, e.c_min, e.c_max);
  __m512i column_sums[2] = {_mm512_setzero_si512(), _mm512_setzero_si512()};
  for (int r = 0; r < rows; ++r, out += row_bytes) {
    const QS8RowEpilogue& row = e.rows[r];
    const __m512i offset = _mm512_set1_epi32(row.offset);
    const __m512i sums_low = _mm512_load_si512(tile[r]), sums_high = _mm512_load_si512(tile[r] + 16);
    if constexpr (kTally) {
      column_sums[0] = _mm512_add_epi32(column_sums[0], sums_low);
      column_sums[1] = _mm512_add_epi32(column_sums[1], sums_high);
    }
    const __m512i low = _mm512_add_epi32(sums_low, offset);
    const __m512i high = _mm512_add_epi32(sums_high, offset);
    if (e.output == QS8GemmOutput::I32) {
      _mm512_mask_storeu_epi32(out, masks[0], low);
      if (masks[1]) _mm512_mask_storeu_epi32(out + 64, masks[1], high);
      continue;
    }
    const avx512::MultiplierVector k = avx512::multiplier_vector(row.mantissa, row.total, row.ties, row.wide);
    // In range after the clamp: the truncating narrow is exact.
    _mm_mask_storeu_epi8(out, masks[0], _mm512_cvtepi32_epi8(avx512::requantize_epi32(low, k, bounds)));
    if (masks[1]) {
      _mm_mask_storeu_epi8(out + 16, masks[1], _mm512_cvtepi32_epi8(avx512::requantize_epi32(high, k, bounds)));
    }
  }
  if constexpr (kTally) {
    for (int half = 0; half < 2; ++half) {
      if (!masks[half]) continue;
      uint32_t* tally = e.tally + half * 16;
      _mm512_mask_storeu_epi32(tally, masks[half],
                               _mm512_add_epi32(_mm512_maskz_loadu_epi32(masks[half], tally), column_sums[half]));
    }
  }
}

// The tile's sums over the whole depth, into an L1-resident tile.
void tile_sums(int64_t groups, const int8_t* a, const uint8_t* b, int32_t (*tile)[kColumns]) {
  // The loop in assembly, accumulators in zmm0-15 (row r, half h in zmm 2r+h): GCC 12
  // routes some accumulators of the vpdpbusd intrinsic through a second register every
  // step (extra vector moves on the two busy ports, read in the disassembly), and an asm
  // statement cannot take 16 accumulators as operands. Each row's 4 weight bytes are
  // broadcast once into a register that both of its vpdpbusd read: 10 loads a group, where
  // the instruction's own broadcast ({1to16}) made 18, and measured 742 -> 860 GOP/s on
  // Zen 5 with the operands in L1. The sums land in an L1-resident tile.
  asm volatile(
      "vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
      "vpxord %%zmm1, %%zmm1, %%zmm1\n\t"
      "vpxord %%zmm2, %%zmm2, %%zmm2\n\t"
      "vpxord %%zmm3, %%zmm3, %%zmm3\n\t"
      "vpxord %%zmm4, %%zmm4, %%zmm4\n\t"
      "vpxord %%zmm5, %%zmm5, %%zmm5\n\t"
      "vpxord %%zmm6, %%zmm6, %%zmm6\n\t"
      "vpxord %%zmm7, %%zmm7, %%zmm7\n\t"
      "vpxord %%zmm8, %%zmm8, %%zmm8\n\t"
      "vpxord %%zmm9, %%zmm9, %%zmm9\n\t"
      "vpxord %%zmm10, %%zmm10, %%zmm10\n\t"
      "vpxord %%zmm11, %%zmm11, %%zmm11\n\t"
      "vpxord %%zmm12, %%zmm12, %%zmm12\n\t"
      "vpxord %%zmm13, %%zmm13, %%zmm13\n\t"
      "vpxord %%zmm14, %%zmm14, %%zmm14\n\t"
      "vpxord %%zmm15, %%zmm15, %%zmm15\n\t"
      "test %[n], %[n]\n\t"
      "jle 2f\n\t"
      "1:\n\t"
      "vmovdqu64 (%[b]), %%zmm16\n\t"
      "vmovdqu64 64(%[b]), %%zmm17\n\t"
      "vpbroadcastd 0(%[a]), %%zmm18\n\t"
      "vpbroadcastd 4(%[a]), %%zmm19\n\t"
      "vpbroadcastd 8(%[a]), %%zmm20\n\t"
      "vpbroadcastd 12(%[a]), %%zmm21\n\t"
      "vpdpbusd %%zmm18, %%zmm16, %%zmm0\n\t"
      "vpdpbusd %%zmm18, %%zmm17, %%zmm1\n\t"
      "vpdpbusd %%zmm19, %%zmm16, %%zmm2\n\t"
      "vpdpbusd %%zmm19, %%zmm17, %%zmm3\n\t"
      "vpbroadcastd 16(%[a]), %%zmm22\n\t"
      "vpbroadcastd 20(%[a]), %%zmm23\n\t"
      "vpbroadcastd 24(%[a]), %%zmm24\n\t"
      "vpbroadcastd 28(%[a]), %%zmm25\n\t"
      "vpdpbusd %%zmm20, %%zmm16, %%zmm4\n\t"
      "vpdpbusd %%zmm20, %%zmm17, %%zmm5\n\t"
      "vpdpbusd %%zmm21, %%zmm16, %%zmm6\n\t"
      "vpdpbusd %%zmm21, %%zmm17, %%zmm7\n\t"
      "vpdpbusd %%zmm22, %%zmm16, %%zmm8\n\t"
      "vpdpbusd %%zmm22, %%zmm17, %%zmm9\n\t"
      "vpdpbusd %%zmm23, %%zmm16, %%zmm10\n\t"
      "vpdpbusd %%zmm23, %%zmm17, %%zmm11\n\t"
      "vpdpbusd %%zmm24, %%zmm16, %%zmm12\n\t"
      "vpdpbusd %%zmm24, %%zmm17, %%zmm13\n\t"
      "vpdpbusd %%zmm25, %%zmm16, %%zmm14\n\t"
      "vpdpbusd %%zmm25, %%zmm17, %%zmm15\n\t"
      "add $32, %[a]\n\t"
      "sub $-128, %[b]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "2:\n\t"
      "vmovdqa64 %%zmm0, 0(%[tile])\n\t"
      "vmovdqa64 %%zmm1, 64(%[tile])\n\t"
      "vmovdqa64 %%zmm2, 128(%[tile])\n\t"
      "vmovdqa64 %%zmm3, 192(%[tile])\n\t"
      "vmovdqa64 %%zmm4, 256(%[tile])\n\t"
      "vmovdqa64 %%zmm5, 320(%[tile])\n\t"
      "vmovdqa64 %%zmm6, 384(%[tile])\n\t"
      "vmovdqa64 %%zmm7, 448(%[tile])\n\t"
      "vmovdqa64 %%zmm8, 512(%[tile])\n\t"
      "vmovdqa64 %%zmm9, 576(%[tile])\n\t"
      "vmovdqa64 %%zmm10, 640(%[tile])\n\t"
      "vmovdqa64 %%zmm11, 704(%[tile])\n\t"
      "vmovdqa64 %%zmm12, 768(%[tile])\n\t"
      "vmovdqa64 %%zmm13, 832(%[tile])\n\t"
      "vmovdqa64 %%zmm14, 896(%[tile])\n\t"
      "vmovdqa64 %%zmm15, 960(%[tile])\n\t"
      : [a] "+r"(a), [b] "+r"(b), [n] "+r"(groups)
      : [tile] "r"(&tile[0][0])
      : "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5", "zmm6", "zmm7", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12",
        "zmm13", "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24",
        "zmm25", "cc", "memory");
}

// One column (a matrix-vector product, a classifier's single row): each group's 8 rows x
// 4 weight bytes are one ymm and the column's 4 bytes are broadcast, so one 256-bit
// vpdpbusd does the group, where the tile loop would spend 16 on 31 empty columns. Four
// accumulators cover its latency. The sums land in column 0 of the tile.
void one_column(int64_t groups, const int8_t* a, const uint8_t* b, int32_t (*tile)[kColumns]) {
  __m256i sums[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256()};
  auto step = [&](int64_t g, __m256i& sum) {
    int32_t column;
    std::memcpy(&column, b + g * kColumns * 4, sizeof column);
    sum = _mm256_dpbusd_epi32(sum, _mm256_set1_epi32(column),
                              _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + g * kRows * 4)));
  };
  int64_t g = 0;
  for (; g + 4 <= groups; g += 4) {
    for (int u = 0; u < 4; ++u) step(g + u, sums[u]);
  }
  for (; g < groups; ++g) step(g, sums[0]);
  alignas(32) int32_t rows[kRows];
  _mm256_store_si256(reinterpret_cast<__m256i*>(rows),
                     _mm256_add_epi32(_mm256_add_epi32(sums[0], sums[1]), _mm256_add_epi32(sums[2], sums[3])));
  for (int r = 0; r < kRows; ++r) tile[r][0] = rows[r];
}

template <bool kHooked>
void run(int64_t groups, const void* a_panel, const uint8_t* b, void* c, int64_t ldc, int rows, int cols,
         const QS8TileEpilogue& epilogue) {
  const int8_t* a = static_cast<const int8_t*>(a_panel);
  alignas(64) int32_t tile[kRows][kColumns];
  if (cols == 1) {
    std::memset(tile, 0, sizeof tile);  // the epilogue reads whole vectors, masked to column 0
    one_column(groups, a, b, tile);
  } else {
    tile_sums(groups, a, b, tile);
  }
  const int low = cols < 16 ? cols : 16, high = cols > 16 ? cols - 16 : 0;
  const __mmask16 masks[2] = {static_cast<__mmask16>((1u << low) - 1), static_cast<__mmask16>((1u << high) - 1)};
  const int64_t row_bytes = ldc * (epilogue.output == QS8GemmOutput::I32 ? 4 : 1);
  if constexpr (kHooked) {
    call_tile_hook<kColumns>(epilogue, &tile[0][0], rows, cols, c);
    if (epilogue.tally) return finish_tile<true>(epilogue, tile, rows, masks, static_cast<char*>(c), row_bytes);
  }
  finish_tile<false>(epilogue, tile, rows, masks, static_cast<char*>(c), row_bytes);
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_8x32c4__avx512vnni{"qs8_gemm_requant_8x32c4__avx512vnni",
                                                         kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni},
                                                         kRows,
                                                         kColumns,
                                                         1,
                                                         run<false>,
                                                         run<true>};

}  // namespace vigil::kernels

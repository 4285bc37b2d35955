// SPDX-License-Identifier: Apache-2.0
// The AVX-VNNI int8 GEMM micro-kernel, for CPUs with the VEX-encoded 256-bit vpdpbusd and no
// AVX-512 (Intel's Alder Lake and later client cores, Sierra Forest): a 6 x 16 tile of C in
// 12 ymm accumulators. Each group of 4 k is two loads of B (16 columns x 4 unsigned bytes)
// and, per row, one vpbroadcastd of the row's 4 weight bytes from memory (the VEX form has
// no embedded broadcast; this one is a load-port op) and two vpdpbusd: 12 accumulators, 2 B
// vectors and the broadcast take 15 of the 16 registers, and 12 independent chains cover
// the latency on two pipes. A single column takes a loop of its own (two 128-bit vpdpbusd a
// group). The epilogue, shared with the AVX2 kernel (kernels/x86/avx2/qs8_gemm_epilogue__avx2.h),
// requantizes from the registers in 64-bit lanes, bit-exact with kernels/requantize.h.
// Compiled with the AVX2, FMA and AVX-VNNI flags only: no AVX-512 (EVEX) instruction.
#include <immintrin.h>

#include <cstring>

#include "kernels/x86/avx2/qs8_gemm_epilogue__avx2.h"

namespace vigil::kernels {

namespace {

constexpr int kRows = 6, kColumns = 16;

// Row r's sums (columns 0-7 and 8-15), offset and stored, the first `cols` columns.
__attribute__((always_inline)) inline void finish_row(const QS8TileEpilogue& e, int r, __m256i low, __m256i high,
                                                      int cols, char* out) {
  const __m256i offset = _mm256_set1_epi32(e.rows[r].offset);
  low = _mm256_add_epi32(low, offset);
  high = _mm256_add_epi32(high, offset);
  if (e.output == QS8GemmOutput::I32) {
    avx2::store_int32(low, cols, out);
    if (cols > 8) avx2::store_int32(high, cols - 8, out + 32);
    return;
  }
  const avx2::RowRequant q = avx2::row_requant(e, r);
  avx2::store_bytes(e.output, avx2::requantize(low, q), cols, out);
  if (cols > 8) avx2::store_bytes(e.output, avx2::requantize(high, q), cols - 8, out + 8);
}

// One column (a matrix-vector product, a classifier's single row): a group's 6 rows x 4
// weight bytes are an xmm (rows 0-3) and the low half of another (rows 4-5), and the
// column's 4 bytes are broadcast, so two 128-bit vpdpbusd do the group where the tile loop
// would spend 12 on 15 empty columns. Two groups at a time cover the latency.
template <bool kHooked>
void one_column(int64_t groups, const int8_t* a, const uint8_t* b, int rows, const QS8TileEpilogue& e, char* out,
                int64_t row_bytes) {
  __m128i low[2] = {_mm_setzero_si128(), _mm_setzero_si128()}, high[2] = {_mm_setzero_si128(), _mm_setzero_si128()};
  auto step = [&](int64_t g, int u) {
    int32_t column;
    std::memcpy(&column, b + g * kColumns * 4, sizeof column);
    const __m128i broadcast = _mm_set1_epi32(column);
    const int8_t* weights = a + g * kRows * 4;
    low[u] = _mm_dpbusd_avx_epi32(low[u], broadcast, _mm_loadu_si128(reinterpret_cast<const __m128i*>(weights)));
    high[u] = _mm_dpbusd_avx_epi32(high[u], broadcast, _mm_loadl_epi64(reinterpret_cast<const __m128i*>(weights + 16)));
  };
  int64_t g = 0;
  for (; g + 2 <= groups; g += 2) {
    step(g, 0);
    step(g + 1, 1);
  }
  if (g < groups) step(g, 0);
  alignas(16) int32_t sums[8];
  _mm_store_si128(reinterpret_cast<__m128i*>(sums), _mm_add_epi32(low[0], low[1]));
  _mm_store_si128(reinterpret_cast<__m128i*>(sums + 4), _mm_add_epi32(high[0], high[1]));
  if constexpr (kHooked) {
    call_tile_hook<1>(e, sums, rows, 1, out);
    tally_tile_columns<1>(e, sums, rows, 1);
  }
  for (int r = 0; r < rows; ++r) {
    finish_row(e, r, _mm256_set1_epi32(sums[r]), _mm256_setzero_si256(), 1, out + r * row_bytes);
  }
}

template <bool kHooked>
void run(int64_t groups, const void* a_panel, const uint8_t* b, void* c, int64_t ldc, int rows, int cols,
         const QS8TileEpilogue& epilogue) {
  const int8_t* a = static_cast<const int8_t*>(a_panel);
  const int64_t row_bytes = ldc * (epilogue.output == QS8GemmOutput::I32 ? 4 : 1);
  char* out = static_cast<char*>(c);
  if (cols == 1) return one_column<kHooked>(groups, a, b, rows, epilogue, out, row_bytes);
  __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256i c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  // The loop in assembly, B in ymm14-15 and the broadcast in ymm13, the accumulators where
  // GCC keeps them (ymm0-12): with the intrinsic, GCC 12 spilled accumulators to the stack,
  // reloaded B vectors and moved accumulators between registers every group. `{vex}` asks
  // for the VEX encoding (the EVEX one needs AVX-512).
// clang-format off
#define VIGIL_AVX_VNNI_ROW(offset, c0, c1)                 \
  "vpbroadcastd " #offset "(%[a]), %%ymm13\n\t"            \
  "%{vex%} vpdpbusd %%ymm13, %%ymm14, %[" #c0 "]\n\t"      \
  "%{vex%} vpdpbusd %%ymm13, %%ymm15, %[" #c1 "]\n\t"
  // clang-format on
  asm volatile(
      "test %[n], %[n]\n\t"
      "jle 2f\n\t"
      "1:\n\t"
      "vmovdqu (%[b]), %%ymm14\n\t"
      "vmovdqu 32(%[b]), %%ymm15\n\t"
      VIGIL_AVX_VNNI_ROW(0, c00, c01)
      VIGIL_AVX_VNNI_ROW(4, c10, c11)
      VIGIL_AVX_VNNI_ROW(8, c20, c21)
      VIGIL_AVX_VNNI_ROW(12, c30, c31)
      VIGIL_AVX_VNNI_ROW(16, c40, c41)
      VIGIL_AVX_VNNI_ROW(20, c50, c51)
      "add $24, %[a]\n\t"
      "add $64, %[b]\n\t"
      "dec %[n]\n\t"
      "jnz 1b\n\t"
      "2:\n\t"
      : [a] "+r"(a), [b] "+r"(b), [n] "+r"(groups), [c00] "+x"(c00), [c01] "+x"(c01), [c10] "+x"(c10),
        [c11] "+x"(c11), [c20] "+x"(c20), [c21] "+x"(c21), [c30] "+x"(c30), [c31] "+x"(c31), [c40] "+x"(c40),
        [c41] "+x"(c41), [c50] "+x"(c50), [c51] "+x"(c51)
      :
      : "xmm13", "xmm14", "xmm15", "cc", "memory");
#undef VIGIL_AVX_VNNI_ROW
  if constexpr (kHooked) {  // the sums through an L1 tile and the hook
    alignas(32) int32_t tile[kRows][kColumns];
    auto keep = [&](int r, __m256i low, __m256i high, char*) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(tile[r]), low);
      _mm256_store_si256(reinterpret_cast<__m256i*>(tile[r] + 8), high);
    };
    avx2::finish_six_rows(rows, out, row_bytes, keep, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
    call_tile_hook<kColumns>(epilogue, &tile[0][0], rows, cols, c);
    tally_tile_columns<kColumns>(epilogue, &tile[0][0], rows, cols);
    for (int r = 0; r < rows; ++r) {
      const __m256i* sums = reinterpret_cast<const __m256i*>(tile[r]);
      finish_row(epilogue, r, _mm256_load_si256(sums), _mm256_load_si256(sums + 1), cols, out + r * row_bytes);
    }
    return;
  }
  auto finish = [&](int r, __m256i low, __m256i high, char* row) { finish_row(epilogue, r, low, high, cols, row); };
  avx2::finish_six_rows(rows, out, row_bytes, finish, c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51);
}

}  // namespace

const QS8MicroKernel qs8_gemm_requant_6x16c4__avxvnni{"qs8_gemm_requant_6x16c4__avxvnni",
                                                      kAvx2Features | CpuFeatures{CpuFeature::AvxVnni},
                                                      kRows,
                                                      kColumns,
                                                      1,
                                                      run<false>,
                                                      run<true>};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The arithmetic of a GEMM checksum (kernels/gemm_check.h), both sides of it:
//   - the prediction: the encoded sums of the weight operand, one per k, times one packed
//     panel of the other operand, giving the predicted sum of C along every column (or
//     row) the panel holds. The f32 form also accumulates the rounding bound of the check,
//     the same product over absolute values; the int8 form is exact modulo 2^32;
// (the other side, the tiles' sums, the micro-kernels tally themselves: F32TileEpilogue,
// QS8TileEpilogue). It runs while the GEMM driver has the panel in cache, so it is a vector
// kernel of its own: plain loops written for the compiler to vectorize, compiled once
// per instruction-set path (kernels/gemm_checksum_predict_loops.h).
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

// The encoded checksum of int8 weights as the int8 prediction reads it: e^T A modulo 2^32,
// 4 x groups values (zero beyond k), and the same values written in `digit_count` signed
// digits of base 128, each in [-64, 63] (digit d of value p at digits[d * 4 groups + p];
// the sum of digit_d x 128^d is the value modulo 2^32), so that vector kernels multiply
// bytes by digits without overflow (vpdpbusd; vpmaddubsw, whose pairs of 255 x 64 stay
// within int16). Most layers need two or three digits.
struct S32Checksum {
  const int32_t* sums = nullptr;
  const int8_t* digits = nullptr;
  int digit_count = 0;
};

struct GemmChecksumPredictKernel {
  const char* name;
  CpuFeatures needs;
  // A panel of `depth` lines, line p at panel + p * stride holding `width` <= 32 values
  // (an f32 B panel: k x NR; an A panel: k x MR). For every value c of a line:
  //   expected[c] += sum_p sums[p] x line_p[c],  bound[c] += sum_p abs_sums[p] x |line_p[c]|.
  void (*f32)(const float* sums, const float* abs_sums, int64_t depth, const float* panel, int64_t stride, int width,
              float* expected, float* bound);
  // An int8 GEMM's packed B panel (kernels/qs8_gemm.h: `groups` groups of nr columns x 4
  // bytes, nr <= 32): expected[j] += sum_p sums[p] x byte(p, j) for j < cols, modulo 2^32.
  void (*s32)(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int nr, int cols,
              uint32_t* expected);
  // The depthwise checksum's sums (kernels/f32_dwconv_checksum.h): one row of `count`
  // values added into running column sums, sums[c] += line[c] and magnitudes[c] += |line[c]|.
  void (*f32_add_row)(const float* line, int64_t count, float* sums, float* magnitudes);
  // The same in double for `rows` rows (row i at lines + i * ld), added in row order: the
  // encoded checksum of an operand computed on the fly (f32_encode_checksum).
  void (*f64_add_rows)(const float* lines, int64_t ld, int64_t rows, int64_t count, double* sums, double* magnitudes);
};

// gemm_checksum_predict__scalar, __avx2, __avx512, __avx512vnni.
const KernelRegistry<GemmChecksumPredictKernel>& gemm_checksum_predict_kernels();

}  // namespace vigil::kernels

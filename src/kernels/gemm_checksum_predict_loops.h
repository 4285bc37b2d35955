// SPDX-License-Identifier: Apache-2.0
// The loops of kernels/gemm_checksum_predict.h, written once for the compiler to vectorize
// and included by one translation unit per path (kernels/ref, kernels/x86/avx2,
// kernels/x86/avx512), each compiled with its own flags: hence the unnamed namespace, one
// private copy per translation unit. The accumulators are local arrays of a fixed width,
// so that they live in registers over the whole panel.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/gemm_checksum_predict.h"

namespace vigil::kernels::gemm_checksum_predict_loops {
namespace {

template <int kWidth>
void f32_fixed(const float* sums, const float* abs_sums, int64_t depth, const float* panel, int64_t stride, int width,
               float* expected, float* bound) {
  float e[kWidth] = {}, b[kWidth] = {};
  for (int64_t p = 0; p < depth; ++p) {
    const float* line = panel + p * stride;
    const float s = sums[p], a = abs_sums[p];
    for (int c = 0; c < kWidth; ++c) {
      e[c] += s * line[c];
      b[c] += a * std::fabs(line[c]);
    }
  }
  for (int c = 0; c < width; ++c) {
    expected[c] += e[c];
    bound[c] += b[c];
  }
}

// Lines hold at least `width` readable values; a width below the fixed one reads (and
// drops) the rest of the line, which packed panels always have.
[[maybe_unused]] void f32(const float* sums, const float* abs_sums, int64_t depth, const float* panel, int64_t stride, int width,
                float* expected, float* bound) {
  if (width <= 8 && stride >= 8) return f32_fixed<8>(sums, abs_sums, depth, panel, stride, width, expected, bound);
  if (width <= 16 && stride >= 16) return f32_fixed<16>(sums, abs_sums, depth, panel, stride, width, expected, bound);
  if (width <= 32 && stride >= 32) return f32_fixed<32>(sums, abs_sums, depth, panel, stride, width, expected, bound);
  for (int64_t p = 0; p < depth; ++p) {  // a line read in place with fewer values
    for (int c = 0; c < width; ++c) {
      expected[c] += sums[p] * panel[p * stride + c];
      bound[c] += abs_sums[p] * std::fabs(panel[p * stride + c]);
    }
  }
}

template <int kNr>
void s32_fixed(const int32_t* sums, int64_t groups, const uint8_t* panel, int cols, uint32_t* expected) {
  uint32_t e[kNr] = {};
  for (int64_t g = 0; g < groups; ++g) {
    const uint8_t* group = panel + g * kNr * 4;
    const uint32_t s0 = static_cast<uint32_t>(sums[4 * g]), s1 = static_cast<uint32_t>(sums[4 * g + 1]),
                   s2 = static_cast<uint32_t>(sums[4 * g + 2]), s3 = static_cast<uint32_t>(sums[4 * g + 3]);
    for (int j = 0; j < kNr; ++j) {
      e[j] += s0 * group[4 * j] + s1 * group[4 * j + 1] + s2 * group[4 * j + 2] + s3 * group[4 * j + 3];
    }
  }
  for (int j = 0; j < cols; ++j) expected[j] += e[j];
}

[[maybe_unused]] void s32(const S32Checksum& checksum, int64_t groups, const uint8_t* panel, int nr, int cols,
                          uint32_t* expected) {
  const int32_t* sums = checksum.sums;
  switch (nr) {
    case 8: return s32_fixed<8>(sums, groups, panel, cols, expected);
    case 16: return s32_fixed<16>(sums, groups, panel, cols, expected);
    case 32: return s32_fixed<32>(sums, groups, panel, cols, expected);
    default:
      for (int64_t g = 0; g < groups; ++g) {
        for (int j = 0; j < cols; ++j) {
          for (int q = 0; q < 4; ++q) {
            expected[j] += static_cast<uint32_t>(sums[4 * g + q]) * panel[(g * nr + j) * 4 + q];
          }
        }
      }
  }
}

[[maybe_unused]] void f64_add_rows(const float* lines, int64_t ld, int64_t rows, int64_t count, double* sums,
                                   double* magnitudes) {
  for (int64_t i = 0; i < rows; ++i) {
    const float* line = lines + i * ld;
    for (int64_t c = 0; c < count; ++c) {
      const double value = line[c];
      sums[c] += value;
      magnitudes[c] += std::fabs(value);
    }
  }
}

[[maybe_unused]] void f32_add_row(const float* line, int64_t count, float* sums, float* magnitudes) {
  for (int64_t c = 0; c < count; ++c) {
    sums[c] += line[c];
    magnitudes[c] += std::fabs(line[c]);
  }
}

}  // namespace
}  // namespace vigil::kernels::gemm_checksum_predict_loops

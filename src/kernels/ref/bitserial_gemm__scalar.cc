// SPDX-License-Identifier: Apache-2.0
// The scalar bit-serial GEMM (kernels/bitserial_gemm.h): the portable path and the
// specification the vector kernels are tested against, one word and one popcount at a time.
#include <bit>

#include "kernels/bitserial_gemm.h"

namespace vigil::kernels {

void bitserial_gemm__scalar(const BitSerialGemm& p, int64_t row_begin, int64_t row_end) {
  const int64_t block_words = p.w_planes * p.words * kBitSerialLanes;
  for (int64_t r = row_begin; r < row_end; ++r) {
    for (int64_t c = 0; c < p.cols; ++c) {
      const uint64_t* w = p.w + (c / kBitSerialLanes) * block_words + c % kBitSerialLanes;
      int32_t sum = (p.row_term ? p.row_term[r] : 0) + (p.column_term ? p.column_term[c] : 0);
      for (int j = 0; j < p.x_planes; ++j) {
        const uint64_t* x = p.x + (r * p.x_planes + j) * p.words;
        for (int i = 0; i < p.w_planes; ++i) {
          int32_t count = 0;
          for (int64_t k = 0; k < p.words; ++k) {
            count += std::popcount(x[k] & w[(i * p.words + k) * kBitSerialLanes]);
          }
          sum += p.pair_coefficients[j * p.w_planes + i] * count;
        }
      }
      p.y[r * p.ldy + c] = sum;
    }
  }
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The scalar kernel of kernels/qs8_requantize_rows.h: the reference, element by element.
#include "kernels/qs8_requantize_rows.h"

namespace vigil::kernels {

void qs8_requantize_rows__scalar(const QS8TileEpilogue& e, const int32_t* sums, int64_t ld, int64_t rows, int64_t cols,
                                 uint8_t* out, int64_t ldo) {
  for (int64_t r = 0; r < rows; ++r) {
    for (int64_t j = 0; j < cols; ++j) {
      out[r * ldo + j] = static_cast<uint8_t>(qs8_tile_epilogue_value(e, sums[r * ld + j], static_cast<int>(r)));
    }
  }
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The transposing dequantization of a float-output QGemm (kernels/s32_dequantize_transpose.h):
// every element equals float(sum) x scale + bias computed by hand with separate roundings,
// on the scalar path and the AVX-512 path, for sizes with and without whole 16 x 16 blocks,
// leading dimensions wider than the data, and no bias.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/s32_dequantize_transpose.h"

namespace vigil::testing {
namespace {

TEST(S32DequantizeTranspose, EveryElementIsTheScaledSumOnEveryPath) {
  std::mt19937 generator(3);
  std::uniform_int_distribution<int32_t> sum(-40000000, 40000000);
  std::uniform_real_distribution<float> real(-0.01f, 0.01f);
  const std::vector<Isa> paths =
      detected_isa() == Isa::Avx512 ? std::vector<Isa>{Isa::Scalar, Isa::Avx512} : std::vector<Isa>{Isa::Scalar};
  for (auto [rows, columns] :
       {std::pair<int64_t, int64_t>{1, 1}, {16, 16}, {128, 256}, {37, 50}, {15, 64}, {64, 15}, {33, 17}}) {
    for (bool with_bias : {true, false}) {
      const int64_t sums_ld = rows + 3, y_ld = columns + 5;
      std::vector<int32_t> sums(static_cast<size_t>(columns * sums_ld));
      for (int32_t& v : sums) v = sum(generator);
      std::vector<float> scale(static_cast<size_t>(columns)), bias(static_cast<size_t>(columns));
      for (float& v : scale) v = real(generator) * 1e-3f;
      for (float& v : bias) v = real(generator) * 100.0f;
      for (Isa isa : paths) {
        set_active_isa(isa);
        std::vector<float> y(static_cast<size_t>(rows * y_ld), -1.0f);
        kernels::s32_dequantize_transpose(rows, columns, sums.data(), sums_ld, scale.data(),
                                          with_bias ? bias.data() : nullptr, y.data(), y_ld);
        int64_t wrong = 0;
        for (int64_t i = 0; i < rows; ++i) {
          for (int64_t c = 0; c < columns; ++c) {
            volatile float scaled = static_cast<float>(sums[c * sums_ld + i]) * scale[c];  // rounded here
            const float expected = scaled + (with_bias ? bias[c] : 0.0f);
            wrong += y[i * y_ld + c] != expected;
          }
          for (int64_t c = columns; c < y_ld; ++c) wrong += y[i * y_ld + c] != -1.0f;  // padding untouched
        }
        EXPECT_EQ(wrong, 0) << isa_name(isa) << " " << rows << " x " << columns << (with_bias ? "" : " no bias");
      }
      set_active_isa(detected_isa());
    }
  }
}

}  // namespace
}  // namespace vigil::testing

// SPDX-License-Identifier: Apache-2.0
// Per-tensor quantization (kernels/f32_qs8_quantize.h): the AVX-512 loop bit-exact with the
// scalar loop over random values, exact ties, NaN, infinities and values far outside the
// range; the scalar loop against hand-computed bytes; the range (min, max, finite) on
// every path.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "core/cpu_features.h"
#include "kernels/f32_qs8_quantize.h"

namespace vigil::testing {
namespace {

std::vector<uint8_t> quantize(Isa isa, const std::vector<float>& x, float scale, int32_t zero_point, bool is_signed) {
  set_active_isa(isa);
  std::vector<uint8_t> y(x.size());
  kernels::f32_qs8_quantize(static_cast<int64_t>(x.size()), x.data(), scale, zero_point, is_signed, y.data());
  set_active_isa(detected_isa());
  return y;
}

TEST(F32Quantize, ScalarLoopByHand) {
  // /0.5: [2.5 -> 2 (tie to even), 3.5 -> 4, -1 -> -1, 300 -> saturates]; zero point 10.
  const std::vector<uint8_t> y = quantize(Isa::Scalar, {1.25f, 1.75f, -0.5f, 150.0f, -10.0f}, 0.5f, 10, false);
  EXPECT_EQ(y, (std::vector<uint8_t>{12, 14, 9, 255, 0}));
  const std::vector<uint8_t> s = quantize(Isa::Scalar, {-1.25f, 100.0f, std::nanf("")}, 0.5f, -3, true);
  EXPECT_EQ(s, (std::vector<uint8_t>{static_cast<uint8_t>(-5), 127, static_cast<uint8_t>(-128)}));
}

TEST(F32Quantize, VectorLoopMatchesTheScalarLoop) {
  if (detected_isa() != Isa::Avx512) GTEST_SKIP() << "no AVX-512";
  std::mt19937 generator(9);
  std::uniform_real_distribution<float> value(-3.0f, 3.0f);
  std::vector<float> x(1003);
  for (float& v : x) v = value(generator);
  for (int i = 0; i < 40; ++i) x[i] = 0.25f * static_cast<float>(i - 20);  // exact ties at scale 0.5
  x[40] = std::numeric_limits<float>::infinity();
  x[41] = -std::numeric_limits<float>::infinity();
  x[42] = std::nanf("");
  x[43] = 3.0e12f;
  x[44] = -3.0e12f;
  for (bool is_signed : {false, true}) {
    for (float scale : {0.5f, 0.0123f}) {
      const int32_t zero_point = is_signed ? -7 : 128;
      EXPECT_EQ(quantize(Isa::Avx512, x, scale, zero_point, is_signed),
                quantize(Isa::Scalar, x, scale, zero_point, is_signed))
          << "signed " << is_signed << " scale " << scale;
    }
  }
}

TEST(F32Quantize, RangeOnEveryPath) {
  std::vector<float> x(1003);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(static_cast<float>(i)) * 3.0f + 0.5f;
  x[777] = -7.25f;
  x[1001] = 9.5f;  // in the scalar tail
  for (Isa isa : {Isa::Scalar, detected_isa()}) {
    set_active_isa(isa);
    float low = 0.0f, high = 0.0f;
    EXPECT_TRUE(kernels::f32_finite_range(static_cast<int64_t>(x.size()), x.data(), low, high));
    EXPECT_EQ(low, -7.25f);
    EXPECT_EQ(high, 9.5f);
    for (float bad : {std::nanf(""), std::numeric_limits<float>::infinity()}) {
      std::vector<float> y = x;
      y[500] = bad;
      EXPECT_FALSE(kernels::f32_finite_range(static_cast<int64_t>(y.size()), y.data(), low, high)) << isa_name(isa);
    }
  }
  set_active_isa(detected_isa());
}

}  // namespace
}  // namespace vigil::testing

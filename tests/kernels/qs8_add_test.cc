// SPDX-License-Identifier: Apache-2.0
// The int8 Add (kernels/qs8_add.h): the AVX-512 loop bit-exact with the scalar loop over
// random bytes, signed and unsigned, scale ratios on either side of one, ties and clamps;
// blocks of rows with their own strides and every tail length, written in place (as the
// GEMM's fused residual Add does); and the parameters against hand-computed mantissas.
#include <gtest/gtest.h>

#include <random>

#include "core/cpu_features.h"
#include "kernels/qs8_add.h"

namespace vigil::testing {
namespace {

TEST(QS8Add, SharedExponentMantissas) {
  // a: 0.5 / 1 = 2^-1 -> mantissa 2^30, shift 0; b: 0.25 -> 2^29 on the same grid.
  const kernels::QS8AddParameters p = kernels::QS8AddParameters::make(0.5f, 0, 0.25f, 0, 1.0f, 0, 0, 255, false);
  EXPECT_EQ(p.a_mantissa, int64_t{1} << 30);
  EXPECT_EQ(p.b_mantissa, int64_t{1} << 29);
  EXPECT_EQ(p.shift, 0);
}

TEST(QS8Add, VectorLoopMatchesTheScalarLoop) {
  if (detected_isa() != Isa::Avx512) GTEST_SKIP() << "no AVX-512";
  std::mt19937 generator(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (bool is_signed : {false, true}) {
    for (float a_scale : {0.01f, 0.3f, 0.05f}) {
      const int64_t count = 1000 + (is_signed ? 7 : 3);
      std::vector<uint8_t> a(count), b(count), scalar(count), vector(count);
      for (int64_t i = 0; i < count; ++i) {
        a[i] = static_cast<uint8_t>(byte(generator));
        b[i] = static_cast<uint8_t>(byte(generator));
      }
      const int32_t low = is_signed ? -128 : 0, high = is_signed ? 127 : 255;
      const kernels::QS8AddParameters p =
          kernels::QS8AddParameters::make(a_scale, is_signed ? -3 : 120, 0.05f, is_signed ? 10 : 131, 0.08f,
                                          is_signed ? 5 : 100, low + 20, high, is_signed);
      set_active_isa(Isa::Scalar);
      kernels::qs8_add(p, count, a.data(), b.data(), scalar.data());
      set_active_isa(Isa::Avx512);
      kernels::qs8_add(p, count, a.data(), b.data(), vector.data());
      EXPECT_EQ(vector, scalar) << "signed " << is_signed << " a_scale " << a_scale;
    }
  }
  // Exact ties: 0.5 steps round to even on both paths.
  const kernels::QS8AddParameters p = kernels::QS8AddParameters::make(0.5f, 0, 0.5f, 0, 1.0f, 0, 0, 255, false);
  std::vector<uint8_t> a(32), b(32, 0), y(32);
  for (int i = 0; i < 32; ++i) a[i] = static_cast<uint8_t>(i);
  kernels::qs8_add(p, 32, a.data(), b.data(), y.data());
  for (int i = 0; i < 32; ++i) EXPECT_EQ(y[i], static_cast<uint8_t>(std::nearbyint(i * 0.5))) << i;
  set_active_isa(detected_isa());
}

TEST(QS8Add, RowBlocksInPlaceMatchOneRowAtATime) {
  std::mt19937 generator(9);
  std::uniform_int_distribution<int> byte(0, 255);
  const kernels::QS8AddParameters p = kernels::QS8AddParameters::make(0.07f, 128, 0.03f, 119, 0.05f, 3, 3, 255, false);
  std::vector<Isa> paths = {Isa::Scalar};
  if (detected_isa() == Isa::Avx512) paths.push_back(Isa::Avx512);
  const int64_t rows = 5, a_ld = 47, b_ld = 53;
  for (const Isa isa : paths) {
    set_active_isa(isa);
    for (int64_t count = 1; count <= a_ld; ++count) {
      std::vector<uint8_t> a(rows * a_ld), b(rows * b_ld);
      for (uint8_t& v : a) v = static_cast<uint8_t>(byte(generator));
      for (uint8_t& v : b) v = static_cast<uint8_t>(byte(generator));
      std::vector<uint8_t> expected = a;  // the bytes beyond `count` stay as they are
      set_active_isa(Isa::Scalar);
      for (int64_t r = 0; r < rows; ++r) {
        kernels::qs8_add(p, count, a.data() + r * a_ld, b.data() + r * b_ld, expected.data() + r * a_ld);
      }
      set_active_isa(isa);
      kernels::qs8_add_rows(p, rows, count, a.data(), a_ld, b.data(), b_ld, a.data(), a_ld);
      ASSERT_EQ(a, expected) << isa_name(isa) << " count " << count;
    }
  }
  set_active_isa(detected_isa());
}

}  // namespace
}  // namespace vigil::testing

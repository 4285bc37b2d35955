// SPDX-License-Identifier: Apache-2.0
// Fixed-point requantization (kernels/requantize.h) against hand-computed values: ties to
// even on both sides of zero, saturation, tiny multipliers, bad multipliers, and the
// rounding of random products against long double arithmetic (exact for |x| < 2^64); and
// rounding half up with the ties' low bit cleared, as vector epilogues do, against it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "core/error.h"
#include "kernels/requantize.h"

namespace vigil::kernels {
namespace {

TEST(RequantizeTest, MultipliersOfPowersOfTwoAreExact) {
  const FixedPointMultiplier half = fixed_point_multiplier(0.5);
  EXPECT_EQ(half.mantissa, 1 << 30);
  EXPECT_EQ(half.shift, 0);
  const FixedPointMultiplier one = fixed_point_multiplier(1.0);
  EXPECT_EQ(one.mantissa, 1 << 30);
  EXPECT_EQ(one.shift, -1);
  const FixedPointMultiplier three_quarters = fixed_point_multiplier(0.75);
  EXPECT_EQ(three_quarters.mantissa, 3 << 29);
  EXPECT_EQ(three_quarters.shift, 0);
  const FixedPointMultiplier eighth = fixed_point_multiplier(0.125);
  EXPECT_EQ(eighth.mantissa, 1 << 30);
  EXPECT_EQ(eighth.shift, 2);
}

TEST(RequantizeTest, MultipliersReconstructTheRealTo2PowMinus31) {
  for (double real = 1e-6; real < 0.99; real *= 1.37) {
    for (const double r : {real, 0.99}) {
      const FixedPointMultiplier m = fixed_point_multiplier(r);
      EXPECT_GE(m.mantissa, 1 << 30) << r;
      EXPECT_LE(int64_t{m.mantissa}, (int64_t{1} << 31) - 1) << r;
      const double back = std::ldexp(static_cast<double>(m.mantissa), -(31 + m.shift));
      EXPECT_LE(std::fabs(back - r), r * 0x1p-31) << r;
    }
  }
}

TEST(RequantizeTest, TiesRoundToEven) {
  const FixedPointMultiplier half = fixed_point_multiplier(0.5);
  // x 0.5: 0.5 -> 0, 1.5 -> 2, 2.5 -> 2, 3.5 -> 4 and their negatives.
  const int32_t inputs[] = {1, 3, 5, 7, -1, -3, -5, -7, 4, -4};
  const int32_t expected[] = {0, 2, 2, 4, 0, -2, -2, -4, 2, -2};
  for (size_t i = 0; i < std::size(inputs); ++i) {
    EXPECT_EQ(requantize(inputs[i], half, 0, -128, 127), expected[i]) << inputs[i];
    EXPECT_EQ(requantize(inputs[i], half, 100, 0, 255), expected[i] + 100) << inputs[i];
  }
  // x 0.25: 0.5 -> 0, 1.5 -> 2, -0.5 -> 0, -1.5 -> -2; not ties: 0.75 -> 1, -1.25 -> -1.
  const FixedPointMultiplier quarter = fixed_point_multiplier(0.25);
  EXPECT_EQ(requantize(2, quarter, 0, -128, 127), 0);
  EXPECT_EQ(requantize(6, quarter, 0, -128, 127), 2);
  EXPECT_EQ(requantize(-2, quarter, 0, -128, 127), 0);
  EXPECT_EQ(requantize(-6, quarter, 0, -128, 127), -2);
  EXPECT_EQ(requantize(3, quarter, 0, -128, 127), 1);
  EXPECT_EQ(requantize(-5, quarter, 0, -128, 127), -1);
}

TEST(RequantizeTest, SaturatesAtTheBounds) {
  const FixedPointMultiplier m = fixed_point_multiplier(0.99);
  constexpr int32_t kMax = std::numeric_limits<int32_t>::max(), kMin = std::numeric_limits<int32_t>::min();
  EXPECT_EQ(requantize(kMax, m, 128, 0, 255), 255);
  EXPECT_EQ(requantize(kMin, m, 128, 0, 255), 0);
  EXPECT_EQ(requantize(kMin, m, 0, -128, 127), -128);
  EXPECT_EQ(requantize(1000, m, 0, 0, 255), 255);  // 990
  EXPECT_EQ(requantize(-100, m, 3, 3, 6), 3);      // a Relu: -99 + 3 clamped at the zero point
  // A large multiplier: 2^29 x 2^31 would not fit 32 bits; the clamp happens on 64.
  const FixedPointMultiplier large = fixed_point_multiplier(0x1p29);
  EXPECT_EQ(requantize(kMax, large, 0, -128, 127), 127);
  EXPECT_EQ(requantize(-8, large, 0, kMin, kMax), kMin);  // -2^32
  EXPECT_EQ(requantize(-1, large, 0, kMin, kMax), -(1 << 29));
  EXPECT_EQ(requantize(1, fixed_point_multiplier(3.0), 5, 0, 255), 8);
}

TEST(RequantizeTest, TinyMultipliersRoundToZero) {
  const FixedPointMultiplier tiny = fixed_point_multiplier(1e-12);
  EXPECT_EQ(tiny.mantissa, 0);
  EXPECT_EQ(tiny.shift, 31);
  EXPECT_EQ(requantize(std::numeric_limits<int32_t>::min(), tiny, 7, 0, 255), 7);
  // 2^-32 itself is representable: -2^31 x 2^-32 = -0.5, a tie, rounds to 0.
  const FixedPointMultiplier smallest = fixed_point_multiplier(0x1p-32);
  EXPECT_EQ(smallest.mantissa, 1 << 30);
  EXPECT_EQ(smallest.shift, 31);
  EXPECT_EQ(requantize(std::numeric_limits<int32_t>::min(), smallest, 0, -128, 127), 0);
  // x 2^-31: -1.5 x 2^29 -> -0.375 -> 0, -1.5 x 2^30 -> -0.75 -> -1, -2^31 -> -1.
  const FixedPointMultiplier small = fixed_point_multiplier(0x1p-31);
  EXPECT_EQ(requantize(-(3 << 28), small, 0, -128, 127), 0);
  EXPECT_EQ(requantize(-(3 << 29), small, 0, -128, 127), -1);
  EXPECT_EQ(requantize(std::numeric_limits<int32_t>::min(), small, 0, -128, 127), -1);
}

TEST(RequantizeTest, BadMultipliersAreBadInput) {
  for (const double real : {0.0, -0.5, 0x1p30, 1e300, std::nan(""), std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(fixed_point_multiplier(real), Error) << real;
  }
}

TEST(RequantizeTest, RandomProductsMatchLongDoubleRounding) {
  std::mt19937 engine(7);
  std::uniform_int_distribution<int32_t> accumulator(std::numeric_limits<int32_t>::min(),
                                                     std::numeric_limits<int32_t>::max());
  std::uniform_real_distribution<double> exponent(-30.0, 10.0);
  for (int trial = 0; trial < 20000; ++trial) {
    const FixedPointMultiplier m = fixed_point_multiplier(std::exp2(exponent(engine)));
    // Small accumulators make ties and near-ties common.
    const int32_t acc = trial % 2 ? accumulator(engine) : accumulator(engine) % 4096;
    const long double exact = std::ldexp(static_cast<long double>(int64_t{acc} * m.mantissa), -(31 + m.shift));
    EXPECT_EQ(fixed_point_multiply(acc, m), static_cast<int64_t>(std::nearbyintl(exact)))
        << acc << " " << m.mantissa << " " << m.shift;
  }
}

TEST(RequantizeTest, HalfUpWithTheTiesClearedIsHalfToEven) {
  // 0.5 = 2^30 x 2^-31: t = 1, every odd accumulator is a tie; 0.001 (total 40, two
  // trailing zeros) admits none; a float32 real (24 significant bits) at 2^-3 admits some.
  EXPECT_EQ(rounding_ties(fixed_point_multiplier(0.5)).low_bits, 1u);
  EXPECT_EQ(rounding_ties(fixed_point_multiplier(0.001)).low_bits, 0u);
  EXPECT_NE(rounding_ties(fixed_point_multiplier(static_cast<double>(0.1f))).low_bits, 0u);
  std::mt19937_64 engine(11);
  std::uniform_real_distribution<double> log_real(-30.0, -0.5);
  std::uniform_int_distribution<int32_t> any(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
  int ties = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    // Half the reals rounded to float32 first, as the integer operators form them.
    double real = std::exp2(log_real(engine));
    if (trial % 2) real = static_cast<double>(static_cast<float>(real));
    const FixedPointMultiplier m = fixed_point_multiplier(real);
    const RoundingTies t = rounding_ties(m);
    std::vector<int32_t> xs = {
        0,           1,           -1,         std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
        any(engine), any(engine), any(engine)};
    if (t.low_bits) {  // accumulators on ties, on both sides of zero
      for (int k = 0; k < 4; ++k) {
        xs.push_back(static_cast<int32_t>((static_cast<uint32_t>(any(engine)) & ~t.low_bits) | t.pattern));
      }
    }
    const int total = 31 + m.shift;
    for (const int32_t x : xs) {
      int64_t q = (int64_t{x} * m.mantissa + (int64_t{1} << (total - 1))) >> total;
      const bool tie = (static_cast<uint32_t>(x) & t.low_bits) == t.pattern;
      ties += tie;
      if (tie) q &= ~int64_t{1};
      ASSERT_EQ(q, fixed_point_multiply(x, m)) << x << " x " << m.mantissa << " >> " << total;
    }
  }
  EXPECT_GT(ties, 1000);  // the tie cases were exercised
}

}  // namespace
}  // namespace vigil::kernels

// Fixed-point requantization (kernels/requantize.h) against hand-computed values: ties to
// even on both sides of zero, saturation, tiny multipliers, bad multipliers, and the
// rounding of random products against long double arithmetic (exact for |x| < 2^64).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

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
  EXPECT_EQ(requantize(-100, m, 3, 3, 6), 3);       // a Relu: -99 + 3 clamped at the zero point
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
    EXPECT_EQ(fixed_point_multiply(acc, m), static_cast<int64_t>(std::nearbyintl(exact))) << acc << " " << m.mantissa
                                                                                          << " " << m.shift;
  }
}

}  // namespace
}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// ABFT checksums of one product: int8 checks exact for every bit of an accumulator, of a
// weight and of an activation, and silent on clean products; fp32 checks silent on clean
// products of many magnitudes and catching every sign, exponent and high mantissa flip of
// a significant element; single errors corrected.
#include "abft/gemm_checksums.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

namespace vigil::abft {
namespace {

constexpr int64_t kM = 37, kK = 70, kN = 23;

template <class T>
MatrixView<const T> weights_of(const std::vector<T>& a) {
  return row_major<const T>(a.data(), kM, kK);
}
template <class T>
MatrixView<const T> activations_of(const std::vector<T>& b) {
  return row_major<const T>(b.data(), kK, kN);
}
template <class T>
MatrixView<const T> result_of(const std::vector<T>& c) {
  return row_major<const T>(c.data(), kM, kN);
}
template <class T>
MatrixView<T> mutable_result_of(std::vector<T>& c) {
  return row_major<T>(c.data(), kM, kN);
}

template <class B>
std::vector<int32_t> int8_product(const std::vector<int8_t>& a, const std::vector<B>& b) {
  std::vector<int32_t> c(kM * kN, 0);
  for (int64_t i = 0; i < kM; ++i) {
    for (int64_t p = 0; p < kK; ++p) {
      for (int64_t j = 0; j < kN; ++j) c[i * kN + j] += int32_t{a[i * kK + p]} * int32_t{b[p * kN + j]};
    }
  }
  return c;
}

std::vector<float> f32_product(const std::vector<float>& a, const std::vector<float>& b) {
  std::vector<float> c(kM * kN, 0.0f);
  for (int64_t i = 0; i < kM; ++i) {
    for (int64_t p = 0; p < kK; ++p) {
      for (int64_t j = 0; j < kN; ++j) c[i * kN + j] = std::fma(a[i * kK + p], b[p * kN + j], c[i * kN + j]);
    }
  }
  return c;
}

struct Int8Case {
  std::vector<int8_t> a = std::vector<int8_t>(kM * kK);
  std::vector<uint8_t> b = std::vector<uint8_t>(kK * kN);
  explicit Int8Case(unsigned seed) {
    std::mt19937 random(seed);
    for (int8_t& v : a) v = static_cast<int8_t>(random() % 256 - 128);
    for (uint8_t& v : b) v = static_cast<uint8_t>(1 + random() % 255);  // no zero: every weight matters
  }
};

TEST(AbftInt8, ACleanProductNeverFailsAndEveryAccumulatorBitIsCaughtAndCorrected) {
  const Int8Case data(1);
  const Int8WeightChecksums weights = encode_int8_weights(weights_of(data.a));
  const std::vector<int32_t> clean = int8_product(data.a, data.b);
  EXPECT_TRUE(check_int8(weights, weights_of(data.a), activations_of(data.b), result_of(clean), true).clean());
  for (const auto& [i, j] : {std::pair<int64_t, int64_t>{0, 0}, {5, 17}, {36, 22}, {20, 3}}) {
    for (int bit = 0; bit < 32; ++bit) {
      std::vector<int32_t> c = clean;
      c[i * kN + j] = static_cast<int32_t>(static_cast<uint32_t>(c[i * kN + j]) ^ (1u << bit));
      const CheckResult found = check_int8(weights, weights_of(data.a), activations_of(data.b), result_of(c), true);
      ASSERT_EQ(found.rows, std::vector<int64_t>{i}) << "bit " << bit;
      ASSERT_EQ(found.columns, std::vector<int64_t>{j}) << "bit " << bit;
      ASSERT_TRUE(correct_int8(weights, weights_of(data.a), activations_of(data.b), mutable_result_of(c), found));
      ASSERT_EQ(c, clean) << "bit " << bit;  // bit-exact after correction
    }
  }
}

TEST(AbftInt8, SumsThatWrapStayExact) {
  // Accumulators near the int32 limits: their column sums wrap, the check does not care.
  std::vector<int8_t> a(kM * kK, 127);
  std::vector<uint8_t> b(kK * kN, 255);
  const Int8WeightChecksums weights = encode_int8_weights(weights_of(a));
  std::vector<int32_t> c = int8_product(a, b);
  EXPECT_TRUE(check_int8(weights, weights_of(a), activations_of(b), result_of(c), true).clean());
  c[3] ^= int32_t{1} << 30;
  EXPECT_FALSE(check_int8(weights, weights_of(a), activations_of(b), result_of(c), true).clean());
}

TEST(AbftInt8, AWeightCorruptedAfterEncodingAndAPackedActivationAreCaught) {
  const Int8Case data(2);
  const Int8WeightChecksums weights = encode_int8_weights(weights_of(data.a));
  for (int bit = 0; bit < 8; ++bit) {
    std::vector<int8_t> corrupted = data.a;
    corrupted[11 * kK + 40] = static_cast<int8_t>(static_cast<uint8_t>(corrupted[11 * kK + 40]) ^ (1u << bit));
    const std::vector<int32_t> c = int8_product(corrupted, data.b);
    EXPECT_EQ(check_int8(weights, weights_of(corrupted), activations_of(data.b), result_of(c), false).columns.size(),
              static_cast<size_t>(kN))
        << "weight bit " << bit;
    // The activation the product read (a packed copy) differs from the one the checks
    // read (the operator's input).
    std::vector<uint8_t> packed = data.b;
    packed[40 * kN + 7] ^= static_cast<uint8_t>(1u << bit);
    const std::vector<int32_t> from_packed = int8_product(data.a, packed);
    const CheckResult found =
        check_int8(weights, weights_of(data.a), activations_of(data.b), result_of(from_packed), true);
    EXPECT_EQ(found.columns, std::vector<int64_t>{7}) << "activation bit " << bit;
    EXPECT_FALSE(found.rows.empty()) << "activation bit " << bit;
  }
}

TEST(AbftInt8, SignedActivations) {
  const Int8Case data(3);
  std::vector<int8_t> b(kK * kN);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<int8_t>(data.b[i] - 128);
  const Int8WeightChecksums weights = encode_int8_weights(weights_of(data.a));
  std::vector<int32_t> c = int8_product(data.a, b);
  EXPECT_TRUE(check_int8(weights, weights_of(data.a), activations_of(b), result_of(c), true).clean());
  c[100] += 1;
  EXPECT_FALSE(check_int8(weights, weights_of(data.a), activations_of(b), result_of(c), true).clean());
}

struct F32Case {
  std::vector<float> a = std::vector<float>(kM * kK);
  std::vector<float> b = std::vector<float>(kK * kN);
  F32Case(unsigned seed, float scale) {
    std::mt19937 random(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (float& v : a) v = normal(random);
    for (float& v : b) v = scale * normal(random);
  }
};

float flip(float value, int bit) {
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  bits ^= 1u << bit;
  std::memcpy(&value, &bits, 4);
  return value;
}

TEST(AbftF32, CleanProductsOfAnyMagnitudeNeverFail) {
  for (unsigned seed = 0; seed < 200; ++seed) {
    const float scale = std::ldexp(1.0f, static_cast<int>(seed % 60) - 30);  // 2^-30 .. 2^29
    const F32Case data(seed, scale);
    const F32WeightChecksums weights = encode_f32_weights(weights_of(data.a));
    const std::vector<float> c = f32_product(data.a, data.b);
    const CheckResult found = check_f32(weights, weights_of(data.a), activations_of(data.b), result_of(c), true);
    ASSERT_TRUE(found.clean()) << "seed " << seed << ": " << found.rows.size() << " rows, " << found.columns.size()
                               << " columns";
  }
}

TEST(AbftF32, SignExponentAndHighMantissaFlipsOfSignificantElementsAreCaughtAndCorrected) {
  const F32Case data(7, 1.0f);
  const F32WeightChecksums weights = encode_f32_weights(weights_of(data.a));
  const std::vector<float> clean = f32_product(data.a, data.b);
  int checked = 0;
  for (int64_t e = 0; e < kM * kN; e += 13) {
    if (std::fabs(clean[e]) < 1.0f) continue;  // a flip of a tiny element may be below rounding
    ++checked;
    for (int bit = 20; bit < 32; ++bit) {
      std::vector<float> c = clean;
      c[e] = flip(c[e], bit);
      const CheckResult found = check_f32(weights, weights_of(data.a), activations_of(data.b), result_of(c), true);
      ASSERT_EQ(found.columns, std::vector<int64_t>{e % kN}) << "element " << e << " bit " << bit;
      ASSERT_EQ(found.rows, std::vector<int64_t>{e / kN}) << "element " << e << " bit " << bit;
      ASSERT_TRUE(correct_f32(weights, weights_of(data.a), activations_of(data.b), mutable_result_of(c), found));
      EXPECT_NEAR(c[e], clean[e], 1e-4 * (1 + std::fabs(clean[e]))) << "element " << e << " bit " << bit;
    }
  }
  EXPECT_GT(checked, 20);
}

// MatMul's Y = X W is checked as Y^T = W^T X^T: transposed views, no copies.
TEST(AbftF32, TransposedViewsCheckAMatMul) {
  const F32Case data(11, 1.0f);  // X [kN, kK] from its activations, W [kK, kM] from its weights
  std::vector<float> x(kN * kK), w(kK * kM), y(kN * kM, 0.0f);
  for (int64_t i = 0; i < kN; ++i) {
    for (int64_t p = 0; p < kK; ++p) x[i * kK + p] = data.b[p * kN + i];
  }
  for (int64_t p = 0; p < kK; ++p) {
    for (int64_t j = 0; j < kM; ++j) w[p * kM + j] = data.a[j * kK + p];
  }
  for (int64_t i = 0; i < kN; ++i) {
    for (int64_t p = 0; p < kK; ++p) {
      for (int64_t j = 0; j < kM; ++j) y[i * kM + j] += x[i * kK + p] * w[p * kM + j];
    }
  }
  const MatrixView<const float> w_t{w.data(), kM, kK, 1, kM};  // W^T: [kM, kK]
  const MatrixView<const float> x_t{x.data(), kK, kN, 1, kK};  // X^T: [kK, kN]
  MatrixView<float> y_t{y.data(), kM, kN, 1, kM};              // Y^T: [kM, kN]
  const F32WeightChecksums weights = encode_f32_weights(w_t);
  const MatrixView<const float> y_read{y.data(), kM, kN, 1, kM};
  EXPECT_TRUE(check_f32(weights, w_t, x_t, y_read, true).clean());
  y[4 * kM + 9] += 1000.0f;  // Y[4][9] is Y^T[9][4]
  const CheckResult found = check_f32(weights, w_t, x_t, y_read, true);
  EXPECT_EQ(found.rows, std::vector<int64_t>{9});
  EXPECT_EQ(found.columns, std::vector<int64_t>{4});
  EXPECT_TRUE(correct_f32(weights, w_t, x_t, y_t, found));
}

TEST(AbftF32, NaNFromTheInputsIsNotAFaultButANaNInTheResultIs) {
  F32Case data(9, 1.0f);
  const F32WeightChecksums weights = encode_f32_weights(weights_of(data.a));
  data.b[5 * kN + 2] = std::nanf("");  // column 2 of C is NaN by definition
  std::vector<float> c = f32_product(data.a, data.b);
  EXPECT_TRUE(check_f32(weights, weights_of(data.a), activations_of(data.b), result_of(c), false).clean());
  c[4 * kN + 9] = std::nanf("");
  EXPECT_EQ(check_f32(weights, weights_of(data.a), activations_of(data.b), result_of(c), false).columns,
            std::vector<int64_t>{9});
}

}  // namespace
}  // namespace vigil::abft

// SPDX-License-Identifier: Apache-2.0
// The reductions (kernels/reduce.h) on every instruction-set path against double sums
// over the tail sizes: sum, max, sum of squared deviations, the fused exp-and-sum (also
// in place) and the row forms. Lane-parallel sums may differ from the sequential double
// sum by rounding: the bound is n * 2^-23 times the sum of magnitudes.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/f32_vmath_test_util.h"
#include "kernels/reduce.h"

namespace vigil::kernels {
namespace {

using testing::IsaTest;
using testing::kTailSizes;
using testing::random_floats;

double sum_bound(const std::vector<float>& x) {
  double magnitude = 0;
  for (float v : x) magnitude += std::fabs(v);
  return (static_cast<double>(x.size()) + 1) * 1.2e-7 * magnitude + 1e-30;
}

class F32ReduceTest : public IsaTest {};

TEST_P(F32ReduceTest, SumMaxAndSquaresMatchDoubleSums) {
  for (int64_t n : kTailSizes) {
    const std::vector<float> x = random_floats(static_cast<size_t>(n), -3.0f, 3.0f, static_cast<uint32_t>(n + 3));
    double sum = 0, squares = 0;
    float max = -std::numeric_limits<float>::infinity();
    for (float v : x) {
      sum += v;
      squares += (v - 0.5) * (v - 0.5);
      max = std::max(max, v);
    }
    EXPECT_NEAR(f32_sum(n, x.data()), sum, sum_bound(x)) << "n " << n;
    EXPECT_EQ(f32_max(n, x.data()), max) << "n " << n;
    EXPECT_NEAR(f32_sum_squares(n, x.data(), 0.5f), squares, 4 * sum_bound(x) * 3) << "n " << n;
  }
}

TEST_P(F32ReduceTest, ExpSumWritesExponentialsAndReturnsTheirSum) {
  for (int64_t n : kTailSizes) {
    const std::vector<float> x = random_floats(static_cast<size_t>(n), -10.0f, 2.0f, static_cast<uint32_t>(n + 9));
    std::vector<float> y(x.size()), in_place = x;
    const float total = f32_exp_sum(n, x.data(), 2.0f, y.data());
    const float total_in_place = f32_exp_sum(n, in_place.data(), 2.0f, in_place.data());
    double want = 0;
    for (int64_t i = 0; i < n; ++i) {
      const double e = std::exp(static_cast<double>(x[i] - 2.0f));  // the kernel's float difference
      want += e;
      EXPECT_NEAR(y[i], e, 3e-7 * e);
      EXPECT_EQ(in_place[i], y[i]);
    }
    EXPECT_NEAR(total, want, 1e-6 * (want + 1e-30) + sum_bound(y));
    EXPECT_EQ(total_in_place, total);
  }
}

TEST_P(F32ReduceTest, RowFormsReduceEachRow) {
  for (int64_t n : kTailSizes) {
    const int64_t m = 3;
    const std::vector<float> x = random_floats(static_cast<size_t>(m * n), -3.0f, 3.0f, 11);
    std::vector<float> sums(m), maxima(m), squares(m);
    f32_sum_rows(m, n, x.data(), sums.data());
    f32_max_rows(m, n, x.data(), maxima.data());
    f32_sum_squares_rows(m, n, x.data(), squares.data());
    for (int64_t i = 0; i < m; ++i) {
      EXPECT_EQ(sums[i], f32_sum(n, x.data() + i * n));
      EXPECT_EQ(maxima[i], f32_max(n, x.data() + i * n));
      EXPECT_EQ(squares[i], f32_sum_squares(n, x.data() + i * n, 0.0f));
    }
  }
}

TEST_P(F32ReduceTest, EmptyRowsGiveZeroSumAndLowestMax) {
  EXPECT_EQ(f32_sum(0, nullptr), 0.0f);
  EXPECT_EQ(f32_max(0, nullptr), -std::numeric_limits<float>::infinity());
}

TEST_P(F32ReduceTest, WindowRowsMatchTheScalarLoop) {
  for (int64_t stride : {1, 2, 3}) {
    for (int64_t window : {1, 2, 3, 5}) {
      for (int64_t count : kTailSizes) {
        const int64_t length = count == 0 ? 0 : (count - 1) * stride + window;
        // Exactly the readable elements, so an over-read would leave the vector.
        const std::vector<float> x = random_floats(static_cast<size_t>(length), -3.0f, 3.0f, 12);
        const std::vector<float> start = random_floats(static_cast<size_t>(count), -1.0f, 1.0f, 13);
        std::vector<float> maxima = start, sums = start;
        f32_window_max_row(count, window, stride, x.data(), maxima.data());
        f32_window_sum_row(count, window, stride, x.data(), sums.data());
        for (int64_t o = 0; o < count; ++o) {
          float m = start[o];
          double s = start[o];
          for (int64_t k = 0; k < window; ++k) {
            m = std::max(m, x[o * stride + k]);
            s += x[o * stride + k];
          }
          EXPECT_EQ(maxima[o], m) << "stride " << stride << " window " << window << " count " << count;
          EXPECT_NEAR(sums[o], s, 1e-5);
        }
      }
    }
  }
}

VIGIL_INSTANTIATE_ISA_TESTS(F32ReduceTest);

}  // namespace
}  // namespace vigil::kernels

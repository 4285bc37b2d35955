// SPDX-License-Identifier: Apache-2.0
// The binary primitives (kernels/binary.h) on every instruction-set path: each operation
// against apply_binary over the tail sizes, with the second operand of the same length,
// a scalar on either side, a row vector and a column vector, out of place and in place.
#include <gtest/gtest.h>

#include <vector>

#include "kernels/binary.h"
#include "kernels/f32_vmath_test_util.h"

namespace vigil::kernels {
namespace {

using testing::IsaTest;
using testing::kTailSizes;
using testing::random_floats;

const BinaryOp kOps[] = {BinaryOp::Add, BinaryOp::Sub, BinaryOp::Mul, BinaryOp::Div, BinaryOp::Max, BinaryOp::Min};

class F32BinaryTest : public IsaTest {};

TEST_P(F32BinaryTest, SameLengthAndScalarMatchTheReference) {
  for (BinaryOp op : kOps) {
    for (int64_t n : kTailSizes) {
      const std::vector<float> a = random_floats(static_cast<size_t>(n), -4.0f, 4.0f, 1);
      const std::vector<float> b = random_floats(static_cast<size_t>(n), 0.5f, 3.0f, 2);
      std::vector<float> y(a.size()), in_place = a;
      f32_binary(op, n, a.data(), b.data(), y.data());
      f32_binary(op, n, in_place.data(), b.data(), in_place.data());
      for (int64_t i = 0; i < n; ++i) {
        EXPECT_EQ(y[i], apply_binary(op, a[i], b[i])) << "op " << static_cast<int>(op) << " n " << n;
        EXPECT_EQ(in_place[i], y[i]);
      }
      for (bool swapped : {false, true}) {
        std::vector<float> s(a.size()), s_in_place = a;
        f32_binary_scalar(op, n, a.data(), 1.75f, swapped, s.data());
        f32_binary_scalar(op, n, s_in_place.data(), 1.75f, swapped, s_in_place.data());
        for (int64_t i = 0; i < n; ++i) {
          EXPECT_EQ(s[i], swapped ? apply_binary(op, 1.75f, a[i]) : apply_binary(op, a[i], 1.75f));
          EXPECT_EQ(s_in_place[i], s[i]);
        }
      }
    }
  }
}

TEST_P(F32BinaryTest, RowAndColumnBroadcastsMatchTheReference) {
  for (BinaryOp op : kOps) {
    for (int64_t m : {1, 3}) {
      for (int64_t n : kTailSizes) {
        const std::vector<float> a = random_floats(static_cast<size_t>(m * n), -4.0f, 4.0f, 3);
        const std::vector<float> row = random_floats(static_cast<size_t>(n), 0.5f, 3.0f, 4);
        const std::vector<float> column = random_floats(static_cast<size_t>(m), 0.5f, 3.0f, 5);
        for (bool swapped : {false, true}) {
          std::vector<float> by_row(a.size()), by_column = a;
          f32_binary_row(op, m, n, a.data(), row.data(), swapped, by_row.data());
          f32_binary_column(op, m, n, by_column.data(), column.data(), swapped, by_column.data());
          for (int64_t i = 0; i < m; ++i) {
            for (int64_t j = 0; j < n; ++j) {
              const float x = a[i * n + j];
              EXPECT_EQ(by_row[i * n + j], swapped ? apply_binary(op, row[j], x) : apply_binary(op, x, row[j]));
              EXPECT_EQ(by_column[i * n + j],
                        swapped ? apply_binary(op, column[i], x) : apply_binary(op, x, column[i]));
            }
          }
        }
      }
    }
  }
}

TEST_P(F32BinaryTest, MultiplyAddMatchesTheReference) {
  for (int64_t n : kTailSizes) {
    const std::vector<float> x = random_floats(static_cast<size_t>(n), -2.0f, 2.0f, 6);
    const std::vector<float> s = random_floats(static_cast<size_t>(n), -2.0f, 2.0f, 7);
    const std::vector<float> t = random_floats(static_cast<size_t>(n), -2.0f, 2.0f, 8);
    std::vector<float> y = x;
    f32_multiply_add(n, y.data(), s.data(), t.data(), y.data());
    for (int64_t i = 0; i < n; ++i) EXPECT_NEAR(y[i], x[i] * s[i] + t[i], 1e-6f);  // fused or not
  }
}

VIGIL_INSTANTIATE_ISA_TESTS(F32BinaryTest);

}  // namespace
}  // namespace vigil::kernels

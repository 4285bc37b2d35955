// SPDX-License-Identifier: Apache-2.0
// Shape arithmetic: element counts, strides, axes and broadcasting.
#include "core/shape.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/tensor.h"

namespace vigil {

TEST(Shape, NumelAndStrides) {
  EXPECT_EQ(shape_numel({}), 1);
  EXPECT_EQ(shape_numel({2, 3, 4}), 24);
  EXPECT_EQ(shape_numel({2, 0, 4}), 0);
  EXPECT_EQ(shape_strides({2, 3, 4}), (Shape{12, 4, 1}));
}

TEST(Shape, CountsThatDoNotFitAreErrorsNotWrappedNumbers) {
  EXPECT_THROW(shape_numel({int64_t{1} << 32, int64_t{1} << 32}), Error);  // 2^64 elements
  EXPECT_THROW(shape_numel({3, -1}), Error);
  EXPECT_EQ(shape_numel({int64_t{1} << 31, int64_t{1} << 31}), int64_t{1} << 62);
  EXPECT_EQ(byte_count(int64_t{1} << 40, 4), size_t{1} << 42);
  EXPECT_THROW(byte_count(int64_t{1} << 62, 4), Error);  // 2^64 bytes
  // An empty shape whose suffix products overflow: its strides are never used, and
  // computing them is no undefined behaviour.
  EXPECT_EQ(shape_strides({0, int64_t{1} << 40, int64_t{1} << 40})[2], 1);
  EXPECT_THROW(Tensor(DType::Float32, {int64_t{1} << 31, int64_t{1} << 31}), Error);
}

TEST(Shape, NormalizeAxis) {
  EXPECT_EQ(normalize_axis(-1, 4, "t"), 3);
  EXPECT_EQ(normalize_axis(2, 4, "t"), 2);
  EXPECT_THROW(normalize_axis(4, 4, "t"), Error);
  EXPECT_THROW(normalize_axis(-5, 4, "t"), Error);
}

TEST(Shape, Broadcast) {
  EXPECT_EQ(broadcast_shapes({2, 1, 4}, {3, 1}, "t"), (Shape{2, 3, 4}));
  EXPECT_EQ(broadcast_shapes({}, {5}, "t"), (Shape{5}));
  EXPECT_THROW(broadcast_shapes({2, 3}, {4}, "t"), Error);
  EXPECT_EQ(broadcast_strides({3, 1}, {2, 3, 4}), (Shape{0, 1, 0}));
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Tensors, element types and the 16-bit float conversions.
#include "core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace vigil {

TEST(Tensor, ZeroFilledAndShared) {
  Tensor t(DType::Float32, {2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.nbytes(), 24u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(t.data<float>()[i], 0.0f);
  Tensor view = t.reshaped({3, 2});
  view.data<float>()[5] = 7;
  EXPECT_EQ(t.data<float>()[5], 7);  // a view shares the buffer
  Tensor copy = t.clone();
  copy.data<float>()[5] = 1;
  EXPECT_EQ(t.data<float>()[5], 7);  // a clone does not
}

TEST(Tensor, ScalarAndVectors) {
  Tensor s = Tensor::scalar<int64_t>(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.numel(), 1);
  // Slice bounds such as INT64_MAX must survive the conversion exactly.
  EXPECT_EQ(s.to_int64_vector()[0], std::numeric_limits<int64_t>::max());
  Tensor u = Tensor::from_vector<uint8_t>({3}, {1, 2, 255});
  EXPECT_EQ(u.to_double_vector(), (std::vector<double>{1, 2, 255}));
}

TEST(Tensor, RejectsNegativeDimensions) { EXPECT_THROW(Tensor(DType::Float32, {2, -1}), Error); }

TEST(DType, NamesAndSizes) {
  EXPECT_EQ(dtype_name(DType::Float32), "float32");
  EXPECT_EQ(dtype_size(DType::Int64), 8u);
  EXPECT_EQ(dtype_size(DType::Bool), 1u);
  EXPECT_TRUE(dtype_is_float(DType::Float16));
  EXPECT_TRUE(dtype_is_integer(DType::UInt16));
  EXPECT_FALSE(dtype_is_integer(DType::Bool));
}

TEST(Half, KnownBitPatterns) {
  EXPECT_EQ(float_to_half(1.0f), 0x3c00);
  EXPECT_EQ(float_to_half(-2.0f), 0xc000);
  EXPECT_EQ(float_to_half(65504.0f), 0x7bff);
  EXPECT_EQ(float_to_half(1e6f), 0x7c00);                // overflow to infinity
  EXPECT_EQ(float_to_half(5.9604645e-8f), 0x0001);       // smallest subnormal
  EXPECT_EQ(float_to_half(1.0f + 1.0f / 2048), 0x3c00);  // a tie rounds to even
  EXPECT_EQ(half_to_float(0x3555), 0.333251953125f);
  EXPECT_TRUE(std::isnan(half_to_float(float_to_half(NAN))));
  for (uint16_t bits : {0x0000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0x7bff, 0xfbff}) {
    EXPECT_EQ(float_to_half(half_to_float(bits)), bits);
  }
}

TEST(BFloat16, KnownBitPatterns) {
  EXPECT_EQ(float_to_bfloat16(1.0f), 0x3f80);
  EXPECT_EQ(bfloat16_to_float(0x4049), 3.140625f);
  EXPECT_EQ(float_to_bfloat16(3.14159265f), 0x4049);
}

}  // namespace vigil

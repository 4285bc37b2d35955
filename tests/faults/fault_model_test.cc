// SPDX-License-Identifier: Apache-2.0
// Fault models on real representations: fp32 sign, exponent and mantissa bits, int8 and
// int32 two's complement, 16-bit floats; stuck-at bits, zero, random values; bit ranges
// checked against each type.
#include "faults/fault_model.h"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/half.h"

namespace vigil::faults {
namespace {

float corrupt_float(float value, FaultKind kind, uint64_t mask, uint64_t random = 0) {
  const uint64_t word = std::bit_cast<uint32_t>(value);
  return std::bit_cast<float>(static_cast<uint32_t>(corrupt_bits(word, DType::Float32, kind, mask, random)));
}

TEST(FaultModel, Float32Bits) {
  EXPECT_EQ(corrupt_float(1.0f, FaultKind::BitFlip, 1ull << 31), -1.0f);          // sign
  EXPECT_TRUE(std::isinf(corrupt_float(1.0f, FaultKind::BitFlip, 1ull << 30)));  // exponent MSB: 2^128
  EXPECT_EQ(corrupt_float(1.0f, FaultKind::BitFlip, 1ull << 23), 0.5f);          // exponent LSB
  EXPECT_EQ(corrupt_float(1.0f, FaultKind::BitFlip, 1ull << 0), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(corrupt_float(0.75f, FaultKind::BitFlip, 1ull << 22), 0.5f);  // mantissa MSB
  EXPECT_EQ(corrupt_float(3.0f, FaultKind::StuckAt0, 1ull << 22), 2.0f);
  EXPECT_EQ(corrupt_float(2.0f, FaultKind::StuckAt1, 1ull << 22), 3.0f);
  EXPECT_EQ(corrupt_float(3.0f, FaultKind::StuckAt1, 1ull << 22), 3.0f);  // already set: masked
  EXPECT_EQ(corrupt_float(-7.5f, FaultKind::Zero, 0), 0.0f);
  for (uint64_t r : {0ull, ~0ull, 0x123456789abcdefull}) {
    const float value = corrupt_float(5.0f, FaultKind::RandomValue, 0, r);
    EXPECT_GE(value, -1.0f);
    EXPECT_LE(value, 1.0f);
  }
}

TEST(FaultModel, IntegerBits) {
  int8_t weight = 1;
  uint64_t word = read_element_bits(&weight, DType::Int8, 0);
  write_element_bits(&weight, DType::Int8, 0, corrupt_bits(word, DType::Int8, FaultKind::BitFlip, 1u << 7, 0));
  EXPECT_EQ(weight, -127);
  EXPECT_EQ(element_value(&weight, DType::Int8, 0), -127);
  int32_t sums[2] = {100, -1};
  word = read_element_bits(sums, DType::Int32, 1);
  write_element_bits(sums, DType::Int32, 1, corrupt_bits(word, DType::Int32, FaultKind::StuckAt0, 1u << 31, 0));
  EXPECT_EQ(sums[0], 100);
  EXPECT_EQ(sums[1], INT32_MAX);
  EXPECT_EQ(element_value(sums, DType::Int32, 1), INT32_MAX);
  // A random int8 value is any of the 256, kept inside the type's bits.
  EXPECT_EQ(corrupt_bits(0, DType::Int8, FaultKind::RandomValue, 0, 0xfffff3ull), 0xf3u);
  uint8_t pixel = 200;
  EXPECT_EQ(element_value(&pixel, DType::UInt8, 0), 200);
}

TEST(FaultModel, HalfPrecision) {
  uint16_t value = float_to_half(1.0f);
  const uint64_t flipped = corrupt_bits(value, DType::Float16, FaultKind::BitFlip, 1u << 15, 0);
  value = static_cast<uint16_t>(flipped);
  EXPECT_EQ(element_value(&value, DType::Float16, 0), -1.0);
  EXPECT_EQ(dtype_bits(DType::Float16), 16);
  EXPECT_EQ(dtype_bits(DType::Bool), 1);
}

TEST(FaultModel, BitRanges) {
  FaultModel model;
  EXPECT_EQ(model.top_bit(DType::Float32), 31);
  EXPECT_EQ(model.top_bit(DType::Int8), 7);
  model.low_bit = 23;
  model.high_bit = 30;
  EXPECT_EQ(model.top_bit(DType::Float32), 30);
  EXPECT_THROW(model.top_bit(DType::Int8), Error);  // bit 30 of an int8
  model.low_bit = 0;
  model.high_bit = -1;
  model.bits = 9;
  EXPECT_THROW(model.top_bit(DType::Int8), Error);  // nine distinct bits in eight
  EXPECT_EQ(model.top_bit(DType::Int32), 31);
  EXPECT_THROW(FaultModel().top_bit(DType::String), Error);
  EXPECT_EQ(parse_fault_kind("stuck1"), FaultKind::StuckAt1);
  EXPECT_THROW(parse_fault_kind("melt"), Error);
}

}  // namespace
}  // namespace vigil::faults

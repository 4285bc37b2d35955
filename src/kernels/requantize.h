// SPDX-License-Identifier: Apache-2.0
// Fixed-point requantization: an int32 accumulator times a real multiplier (input scale x
// weight scale / output scale), rounded and shifted onto an 8-bit output grid, without
// floating point (Jacob et al. 2018, "Quantization and Training of Neural Networks for
// Efficient Integer-Arithmetic-Only Inference"). The int8 GEMM's epilogue (kernels/qs8_gemm.h)
// and the element-wise int8 operators share this definition; requantize() is the scalar
// reference every vector epilogue is bit-exact with.
#pragma once

#include <bit>
#include <cstdint>

namespace vigil::kernels {

// real = mantissa x 2^-(31 + shift), mantissa in [2^30, 2^31). A real below 2^-32 (for
// which every int32 accumulator rounds to 0) is {0, 31}.
struct FixedPointMultiplier {
  int32_t mantissa = 0;
  int shift = 0;  // the total right shift 31 + shift lies in [1, 62]
};

// The multiplier nearest `real`; a bad-input Error unless 0 < real < 2^30 (finite).
FixedPointMultiplier fixed_point_multiplier(double real);

// The nearest integer to value / 2^total (total in [1, 62]), ties to even.
inline int64_t round_shift_half_even(int64_t value, int total) {
  const int64_t floor = value >> total;  // arithmetic: rounds towards -infinity
  const int64_t remainder = value - (floor << total);
  const int64_t half = int64_t{1} << (total - 1);
  return floor + (remainder > half || (remainder == half && (floor & 1)) ? 1 : 0);
}

// The rounding shift of the exact 64-bit product: the nearest integer to
// accumulator x mantissa / 2^(31 + shift), ties to even.
inline int64_t fixed_point_multiply(int32_t accumulator, FixedPointMultiplier m) {
  return round_shift_half_even(static_cast<int64_t>(accumulator) * m.mantissa, 31 + m.shift);
}

// The accumulators whose product is a tie in fixed_point_multiply: with the mantissa's z
// trailing zero bits moved into the shift, t = 31 + shift - z, a tie needs the product's
// lowest set bit at t - 1, and the mantissa being odd then, the accumulator's own: exactly
// those with (accumulator & low_bits) == pattern, low_bits = 2^t - 1, pattern = 2^(t - 1).
// For t above 32 (typical layers: small multipliers) no int32 accumulator is one, and
// low_bits = 0, pattern = 1 match none. Vector epilogues round half up and clear the
// result's low bit at the ties, which is the half-to-even rounding: three instructions a
// vector where finding the quotient's low bit in 64-bit lanes costs six.
struct RoundingTies {
  uint32_t low_bits = 0, pattern = 1;
};
inline RoundingTies rounding_ties(FixedPointMultiplier m) {
  if (m.mantissa <= 0) return {};
  const int t = 31 + m.shift - std::countr_zero(static_cast<uint32_t>(m.mantissa));
  if (t < 1 || t > 32) return {};
  return {static_cast<uint32_t>((uint64_t{1} << t) - 1), uint32_t{1} << (t - 1)};
}

// clamp(zero_point + round_half_to_even(accumulator x real), min, max), exactly.
inline int32_t requantize(int32_t accumulator, FixedPointMultiplier m, int32_t zero_point, int32_t min, int32_t max) {
  const int64_t value = fixed_point_multiply(accumulator, m) + zero_point;
  return static_cast<int32_t>(value < min ? min : (value > max ? max : value));
}

}  // namespace vigil::kernels

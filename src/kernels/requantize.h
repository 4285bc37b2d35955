// Fixed-point requantization: an int32 accumulator times a real multiplier (input scale x
// weight scale / output scale), rounded and shifted onto an 8-bit output grid, without
// floating point (Jacob et al. 2018, "Quantization and Training of Neural Networks for
// Efficient Integer-Arithmetic-Only Inference"). The int8 GEMM's epilogue (kernels/s8_gemm.h)
// and the element-wise int8 operators share this definition; requantize() is the scalar
// reference every vector epilogue is bit-exact with.
#pragma once

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

// clamp(zero_point + round_half_to_even(accumulator x real), min, max), exactly.
inline int32_t requantize(int32_t accumulator, FixedPointMultiplier m, int32_t zero_point, int32_t min,
                          int32_t max) {
  const int64_t value = fixed_point_multiply(accumulator, m) + zero_point;
  return static_cast<int32_t>(value < min ? min : (value > max ? max : value));
}

}  // namespace vigil::kernels

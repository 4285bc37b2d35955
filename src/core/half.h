// SPDX-License-Identifier: Apache-2.0
// Storage types for 16-bit floats (IEEE half and bfloat16). vigil computes in float;
// these only convert, so Cast and the loaders can carry float16 data.
#pragma once

#include <cstdint>

namespace vigil {

float half_to_float(uint16_t bits);
uint16_t float_to_half(float value);  // round to nearest even
float bfloat16_to_float(uint16_t bits);
uint16_t float_to_bfloat16(float value);  // round to nearest even

struct Half {
  uint16_t bits = 0;
  Half() = default;
  explicit Half(float value) : bits(float_to_half(value)) {}
  explicit operator float() const { return half_to_float(bits); }
};

struct BFloat16 {
  uint16_t bits = 0;
  BFloat16() = default;
  explicit BFloat16(float value) : bits(float_to_bfloat16(value)) {}
  explicit operator float() const { return bfloat16_to_float(bits); }
};

}  // namespace vigil

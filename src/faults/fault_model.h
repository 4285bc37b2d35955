// SPDX-License-Identifier: Apache-2.0
// What a fault does to one value, in the value's real representation: the bits of an
// fp32, fp16 or bf16 number (sign, exponent, mantissa), of an int8 weight, of an int32
// accumulator. Bit flips (transient: one inference) and stuck-at bits (permanent: the
// same bits forced on every inference) act on chosen bit positions; a random value and
// zero replace the whole value (PyTorchFI's and TensorFI's models). Bit 0 is the least
// significant bit of the stored word; for fp32, bits 23-30 are the exponent and 31 the sign.
#pragma once

#include <cstdint>
#include <string>

#include "core/dtype.h"
#include "faults/spatial_pattern.h"

namespace vigil::faults {

enum class FaultKind { BitFlip, StuckAt0, StuckAt1, RandomValue, Zero };

const char* fault_kind_name(FaultKind kind);  // "flip", "stuck0", "stuck1", "random", "zero"
// Parses a name of fault_kind_name; a bad-input Error listing the names otherwise.
FaultKind parse_fault_kind(const std::string& name);

struct FaultModel {
  FaultKind kind = FaultKind::BitFlip;
  int bits = 1;       // bits per fault for flips and stuck-at (distinct positions in the range)
  int low_bit = 0;    // the range of positions, inclusive; high_bit -1: the type's top bit
  int high_bit = -1;
  // A CLASSES pattern of values (faults/spatial_pattern.h) instead of a fault in one value;
  // `kind` does not apply. Node outputs only.
  bool spatial = false;
  SpatialPattern pattern = SpatialPattern::Point;
  ValueClass value_class = ValueClass::InRange;

  bool permanent() const { return !spatial && (kind == FaultKind::StuckAt0 || kind == FaultKind::StuckAt1); }
  bool acts_on_bits() const { return !spatial && (kind == FaultKind::BitFlip || permanent()); }
  // "flip", "stuck1", ...; "bullet_wake/nan" for a pattern.
  std::string name() const;
  // The top bit position for values of `dtype` (31 for fp32); a bad-input Error when the
  // range does not fit the type or the type has no bits to corrupt (strings).
  int top_bit(DType dtype) const;
};

// Bits of one element of a tensor (at most 64).
int dtype_bits(DType dtype);  // 0 for strings
uint64_t read_element_bits(const void* data, DType dtype, int64_t index);
void write_element_bits(void* data, DType dtype, int64_t index, uint64_t bits);
double element_value(const void* data, DType dtype, int64_t index);
// The word of `dtype` holding `value`: rounded to the nearest and clamped to the range
// for integers.
uint64_t word_of_value(DType dtype, double value);

// The bits a fault leaves in a word of `dtype`. `mask` holds the positions a bit fault acts
// on; `random_word` supplies a random value (a uniform value in [-1, 1] for floats, as
// PyTorchFI draws, random bits for integers).
uint64_t corrupt_bits(uint64_t word, DType dtype, FaultKind kind, uint64_t mask, uint64_t random_word);

}  // namespace vigil::faults

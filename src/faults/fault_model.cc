// SPDX-License-Identifier: Apache-2.0
// Fault models on stored words of every numeric type.
#include "faults/fault_model.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/half.h"
#include "faults/name_table.h"

namespace vigil::faults {

namespace {

constexpr NameOf<FaultKind> kKindNames[] = {{FaultKind::BitFlip, "flip"},
                                   {FaultKind::StuckAt0, "stuck0"},
                                   {FaultKind::StuckAt1, "stuck1"},
                                   {FaultKind::RandomValue, "random"},
                                   {FaultKind::Zero, "zero"}};

// A uniform double in [0, 1) from 53 random bits.
double unit_interval(uint64_t random_word) { return static_cast<double>(random_word >> 11) * 0x1.0p-53; }

}  // namespace

const char* fault_kind_name(FaultKind kind) { return name_in(kKindNames, kind); }

FaultKind parse_fault_kind(const std::string& name) {
  if (const auto kind = value_in(kKindNames, name)) return *kind;
  fail_bad_input("--fault: '", name, "' is not a fault model (flip, stuck0, stuck1, random, zero) or a spatial pattern (",
                 spatial_pattern_names(), ")");
}

std::string FaultModel::name() const {
  if (spatial) return std::string(spatial_pattern_name(pattern)) + "/" + value_class_name(value_class);
  return fault_kind_name(kind);
}

int dtype_bits(DType dtype) { return dtype == DType::Bool ? 1 : static_cast<int>(dtype_size(dtype)) * 8; }

int FaultModel::top_bit(DType dtype) const {
  const int width = dtype_bits(dtype);
  check_input(width > 0, "a ", dtype_name(dtype), " value has no bits to corrupt");
  const int top = high_bit < 0 ? width - 1 : high_bit;
  check_input(low_bit >= 0 && low_bit <= top && top < width, "--bits ", low_bit, ":", top, " is outside the ", width,
              " bits of a ", dtype_name(dtype), " value");
  check_input(!acts_on_bits() || (bits >= 1 && bits <= top - low_bit + 1), "--flip-bits ", bits, " does not fit the ",
              top - low_bit + 1, " positions of --bits ", low_bit, ":", top, " on a ", dtype_name(dtype), " value");
  return top;
}

uint64_t read_element_bits(const void* data, DType dtype, int64_t index) {
  const size_t size = dtype_size(dtype);
  uint64_t bits = 0;
  std::memcpy(&bits, static_cast<const std::byte*>(data) + index * size, size);
  return bits;
}

void write_element_bits(void* data, DType dtype, int64_t index, uint64_t bits) {
  const size_t size = dtype_size(dtype);
  std::memcpy(static_cast<std::byte*>(data) + index * size, &bits, size);
}

uint64_t word_of_value(DType dtype, double value) {
  switch (dtype) {
    case DType::Float32:
      return std::bit_cast<uint32_t>(static_cast<float>(value));
    case DType::Float64:
      return std::bit_cast<uint64_t>(value);
    case DType::Float16:
      return float_to_half(static_cast<float>(value));
    case DType::BFloat16:
      return float_to_bfloat16(static_cast<float>(value));
    case DType::Bool:
      return value != 0;
    default:
      break;
  }
  const int width = dtype_bits(dtype);
  const double low = dtype_is_signed(dtype) ? -std::ldexp(1.0, width - 1) : 0;
  const double high = (dtype_is_signed(dtype) ? std::ldexp(1.0, width - 1) : std::ldexp(1.0, width)) - 1;
  const double clamped = std::clamp(std::nearbyint(value), low, high);
  const uint64_t all = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  // Through int64 for negative values (two's complement), directly for uint64's top half.
  const uint64_t word = clamped >= 0x1.0p63 ? static_cast<uint64_t>(clamped) : static_cast<uint64_t>(static_cast<int64_t>(clamped));
  return word & all;
}

double element_value(const void* data, DType dtype, int64_t index) {
  const uint64_t bits = read_element_bits(data, dtype, index);
  const int width = dtype_bits(dtype);
  // Sign-extends a signed integer of `width` bits.
  const auto as_signed = [&] { return static_cast<double>(static_cast<int64_t>(bits << (64 - width)) >> (64 - width)); };
  switch (dtype) {
    case DType::Float32:
      return std::bit_cast<float>(static_cast<uint32_t>(bits));
    case DType::Float64:
      return std::bit_cast<double>(bits);
    case DType::Float16:
      return half_to_float(static_cast<uint16_t>(bits));
    case DType::BFloat16:
      return bfloat16_to_float(static_cast<uint16_t>(bits));
    case DType::Bool:
      return bits != 0;
    default:
      return dtype_is_signed(dtype) ? as_signed() : static_cast<double>(bits);
  }
}

uint64_t corrupt_bits(uint64_t word, DType dtype, FaultKind kind, uint64_t mask, uint64_t random_word) {
  const int width = dtype_bits(dtype);
  const uint64_t all = width == 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
  switch (kind) {
    case FaultKind::BitFlip:
      return (word ^ mask) & all;
    case FaultKind::StuckAt0:
      return word & ~mask & all;
    case FaultKind::StuckAt1:
      return (word | mask) & all;
    case FaultKind::Zero:
      return 0;
    case FaultKind::RandomValue:
      if (dtype_is_float(dtype)) return word_of_value(dtype, 2 * unit_interval(random_word) - 1);
      return random_word & all;
  }
  return word;
}

}  // namespace vigil::faults

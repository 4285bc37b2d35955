// SPDX-License-Identifier: Apache-2.0
// Element types of tensors. The numeric values are those of ONNX's TensorProto.DataType
// so that import and export need no table. dispatch_dtype() turns a run-time type into a
// compile-time one for the templated reference operators.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "core/error.h"
#include "core/half.h"

namespace vigil {

enum class DType : int32_t {
  Undefined = 0,
  Float32 = 1,
  UInt8 = 2,
  Int8 = 3,
  UInt16 = 4,
  Int16 = 5,
  Int32 = 6,
  Int64 = 7,
  String = 8,
  Bool = 9,
  Float16 = 10,
  Float64 = 11,
  UInt32 = 12,
  UInt64 = 13,
  BFloat16 = 16,
};

size_t dtype_size(DType type);  // 0 for string: its elements are not plain bytes
std::string dtype_name(DType type);
bool dtype_is_float(DType type);    // float16, bfloat16, float32, float64
bool dtype_is_integer(DType type);  // signed or unsigned integers, not bool
bool dtype_is_signed(DType type);

// The C++ type that stores one element of a DType.
// (one line per type: they read as the tables they are)
// clang-format off
template <DType> struct CppType;
template <> struct CppType<DType::Float32> { using type = float; };
template <> struct CppType<DType::Float64> { using type = double; };
template <> struct CppType<DType::Float16> { using type = Half; };
template <> struct CppType<DType::BFloat16> { using type = BFloat16; };
template <> struct CppType<DType::UInt8> { using type = uint8_t; };
template <> struct CppType<DType::Int8> { using type = int8_t; };
template <> struct CppType<DType::UInt16> { using type = uint16_t; };
template <> struct CppType<DType::Int16> { using type = int16_t; };
template <> struct CppType<DType::Int32> { using type = int32_t; };
template <> struct CppType<DType::Int64> { using type = int64_t; };
template <> struct CppType<DType::UInt32> { using type = uint32_t; };
template <> struct CppType<DType::UInt64> { using type = uint64_t; };
template <> struct CppType<DType::Bool> { using type = bool; };
template <> struct CppType<DType::String> { using type = std::string; };

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }
template <> constexpr DType dtype_of<Half>() { return DType::Float16; }
template <> constexpr DType dtype_of<BFloat16>() { return DType::BFloat16; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<uint16_t>() { return DType::UInt16; }
template <> constexpr DType dtype_of<int16_t>() { return DType::Int16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<uint32_t>() { return DType::UInt32; }
template <> constexpr DType dtype_of<uint64_t>() { return DType::UInt64; }
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }
template <> constexpr DType dtype_of<std::string>() { return DType::String; }
// clang-format on

// Converts one element between any two storage types (the 16-bit floats go through
// float), as static_cast would for the built-in types, except where static_cast is
// undefined: a float outside an integer type's range saturates, and NaN becomes 0.
template <class To, class From>
To convert_element(From value) {
  constexpr bool from_half = std::is_same_v<From, Half> || std::is_same_v<From, BFloat16>;
  constexpr bool to_half = std::is_same_v<To, Half> || std::is_same_v<To, BFloat16>;
  if constexpr (from_half && to_half) {
    return To(static_cast<float>(value));
  } else if constexpr (from_half) {
    return convert_element<To>(static_cast<float>(value));
  } else if constexpr (std::is_floating_point_v<From> && std::is_integral_v<To> && !std::is_same_v<To, bool>) {
    if (value != value) return To(0);
    if (value <= static_cast<From>(std::numeric_limits<To>::min())) return std::numeric_limits<To>::min();
    if (value >= static_cast<From>(std::numeric_limits<To>::max())) return std::numeric_limits<To>::max();
    return static_cast<To>(value);
  } else if constexpr (to_half) {
    return To(static_cast<float>(value));
  } else {
    return static_cast<To>(value);
  }
}

// Tag passed to the callables of the dispatchers: `[&](auto tag) { using T = decltype(tag)::type; }`.
template <class T>
struct TypeTag {
  using type = T;
};

// Calls f(TypeTag<T>{}) for the element type of `type`; `what` names the caller in the
// error raised for a type outside the set. The sets: all numeric types plus bool; the
// real (non-half) floats; the integers.
template <class F>
decltype(auto) dispatch_dtype(DType type, const std::string& what, F&& f) {
  switch (type) {
    case DType::Float32: return f(TypeTag<float>{});
    case DType::Float64: return f(TypeTag<double>{});
    case DType::Float16: return f(TypeTag<Half>{});
    case DType::BFloat16: return f(TypeTag<BFloat16>{});
    case DType::UInt8: return f(TypeTag<uint8_t>{});
    case DType::Int8: return f(TypeTag<int8_t>{});
    case DType::UInt16: return f(TypeTag<uint16_t>{});
    case DType::Int16: return f(TypeTag<int16_t>{});
    case DType::Int32: return f(TypeTag<int32_t>{});
    case DType::Int64: return f(TypeTag<int64_t>{});
    case DType::UInt32: return f(TypeTag<uint32_t>{});
    case DType::UInt64: return f(TypeTag<uint64_t>{});
    case DType::Bool: return f(TypeTag<bool>{});
    default: fail_unsupported(what, ": element type ", dtype_name(type), " is not supported");
  }
}

// Like dispatch_dtype, restricted to float, double and the integer types (no bool, no
// half types): the set arithmetic operators compute in.
template <class F>
decltype(auto) dispatch_arithmetic(DType type, const std::string& what, F&& f) {
  switch (type) {
    case DType::Float32: return f(TypeTag<float>{});
    case DType::Float64: return f(TypeTag<double>{});
    case DType::UInt8: return f(TypeTag<uint8_t>{});
    case DType::Int8: return f(TypeTag<int8_t>{});
    case DType::UInt16: return f(TypeTag<uint16_t>{});
    case DType::Int16: return f(TypeTag<int16_t>{});
    case DType::Int32: return f(TypeTag<int32_t>{});
    case DType::Int64: return f(TypeTag<int64_t>{});
    case DType::UInt32: return f(TypeTag<uint32_t>{});
    case DType::UInt64: return f(TypeTag<uint64_t>{});
    default: fail_unsupported(what, ": element type ", dtype_name(type), " is not supported");
  }
}

// Float and double only.
template <class F>
decltype(auto) dispatch_float(DType type, const std::string& what, F&& f) {
  switch (type) {
    case DType::Float32: return f(TypeTag<float>{});
    case DType::Float64: return f(TypeTag<double>{});
    default: fail_unsupported(what, ": element type ", dtype_name(type), " is not supported");
  }
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Integer arithmetic as numpy and ONNX Runtime do it: two's complement, wrapping on
// overflow (INT64_MAX + 1 is INT64_MIN, -INT64_MIN is INT64_MIN). C++ leaves signed
// overflow undefined, so integers compute in an unsigned type at least as wide as
// unsigned int (narrower ones would be promoted to int, which can overflow too). Other
// types compute plainly. Operators whose integer results can overflow use these.
#pragma once

#include <type_traits>

namespace vigil {

namespace wrapping_detail {
template <class T>
constexpr bool kWraps = std::is_integral_v<T> && !std::is_same_v<T, bool>;
template <class T>
using Unsigned = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
}  // namespace wrapping_detail

template <class T>
T wrapping_add(T a, T b) {
  if constexpr (wrapping_detail::kWraps<T>) {
    using U = wrapping_detail::Unsigned<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}

template <class T>
T wrapping_sub(T a, T b) {
  if constexpr (wrapping_detail::kWraps<T>) {
    using U = wrapping_detail::Unsigned<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}

template <class T>
T wrapping_mul(T a, T b) {
  if constexpr (wrapping_detail::kWraps<T>) {
    using U = wrapping_detail::Unsigned<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}

template <class T>
T wrapping_negate(T x) {
  return wrapping_sub(T(0), x);
}

}  // namespace vigil

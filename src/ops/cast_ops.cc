// SPDX-License-Identifier: Apache-2.0
// Cast and CastLike: elementwise conversion between the numeric types, bool, float16 and
// bfloat16, with C's semantics (float to integer truncates toward zero; to bool is
// "not zero"; float16/bfloat16 round to nearest even), and to and from strings as the
// ONNX reference (numpy) writes and reads numbers. The numeric conversion itself is
// convert_tensor (elementwise.h), shared with the operators that widen float16 inputs.
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "ops/elementwise.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

DType cast_target(int64_t to, const std::string& what) {
  const DType type = static_cast<DType>(to);
  if (to <= 0 || (dtype_size(type) == 0 && type != DType::String)) {
    fail_unsupported(what, ": casting to element type ", to, " (complex, ...) is not supported");
  }
  return type;
}

// A float as numpy's str() writes it: the shortest digits that read back to the same
// value, positional for 1e-4 <= |x| < 1e16 (whole numbers end in ".0"), else scientific.
template <class T>
std::string float_to_string(T value) {
  char buffer[64];
  const T magnitude = std::fabs(value);
  const bool positional = !std::isfinite(value) || value == 0 || (magnitude >= T(1e-4) && magnitude < T(1e16));
  const auto format = positional ? std::chars_format::fixed : std::chars_format::scientific;
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), value, format);
  std::string text(buffer, result.ptr);
  if (positional && std::isfinite(value) && text.find('.') == std::string::npos) text += ".0";
  return text;
}

template <class T>
std::string number_to_string(T value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "True" : "False";
  } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    return float_to_string(static_cast<float>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return float_to_string(value);
  } else {
    return std::to_string(value);
  }
}

// Parses the whole of `text` as a T: floats accept what strtod does ("NaN", "INF",
// "+1e5", ...); integers an optional sign and decimal digits.
template <class T>
T string_to_number(const std::string& text) {
  if constexpr (std::is_same_v<T, bool>) {
    fail_unsupported("casting strings to bool is not supported");
  } else if constexpr (std::is_same_v<T, Half> || std::is_same_v<T, BFloat16>) {
    return T(string_to_number<float>(text));
  } else if constexpr (std::is_floating_point_v<T>) {
    char* end = nullptr;
    const T value = std::is_same_v<T, float> ? std::strtof(text.c_str(), &end) : std::strtod(text.c_str(), &end);
    check_input(!text.empty() && end == text.c_str() + text.size(), "'", text, "' is not a number");
    return value;
  } else {
    const char* first = text.c_str();
    const char* last = first + text.size();
    if (first != last && *first == '+') ++first;
    T value{};
    const auto result = std::from_chars(first, last, value);
    check_input(result.ec == std::errc() && result.ptr == last, "'", text, "' is not a ", dtype_name(dtype_of<T>()),
                " number");
    return value;
  }
}

Tensor cast_tensor(const Tensor& input, DType to, const std::string& what) {
  if (input.dtype() == to) return input;
  if (input.dtype() != DType::String && to != DType::String) return convert_tensor(input, to);
  Tensor output(to, input.shape());
  const int64_t n = input.numel();
  if (to == DType::String) {
    dispatch_dtype(input.dtype(), what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = input.data<T>();
      std::string* result = output.data<std::string>();
      for (int64_t i = 0; i < n; ++i) result[i] = number_to_string(in[i]);
    });
  } else {
    dispatch_dtype(to, what, [&](auto tag) {
      using T = typename decltype(tag)::type;
      const std::string* in = input.data<std::string>();
      T* result = output.data<T>();
      for (int64_t i = 0; i < n; ++i) result[i] = string_to_number<T>(in[i]);
    });
  }
  return output;
}

std::unique_ptr<Operator> create_cast(const OpCreateInfo& info) {
  const DType to = cast_target(info.attributes().require_int("to"), info.describe());
  return make_operator([what = info.describe(), to](const OpInputs& in, OpOutputs& out) {
    out[0] = cast_tensor(require_input(in, 0, what), to, what);
  });
}

// CastLike (opset 15): the target type is that of the second input.
std::unique_ptr<Operator> create_cast_like(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& target = require_input(in, 1, what);
    out[0] = cast_tensor(require_input(in, 0, what), cast_target(static_cast<int64_t>(target.dtype()), what), what);
  });
}

}  // namespace

void register_cast_operators(OpRegistry& registry) {
  registry.add("", "Cast", create_cast);
  registry.add("", "CastLike", create_cast_like);
}

}  // namespace vigil

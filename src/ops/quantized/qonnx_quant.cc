// SPDX-License-Identifier: Apache-2.0
// The quantizers of QONNX (the quantized-ONNX dialect of Brevitas and FINN; domains
// qonnx.custom_op.general and finn.custom_op.general), as reference operators with the
// semantics of the QONNX operator documentation, float32 in and out, scale, zero point and
// bit widths broadcast as in numpy:
//   Quant (IntQuant)  q = rounding(clamp(x / scale + zeropt, min_int, max_int));
//                     y = (q - zeropt) x scale        (clamp before rounding, as published)
//                     min_int, max_int from bitwidth, `signed`, `narrow`: signed
//                     [-2^(b-1) + narrow, 2^(b-1) - 1], unsigned [0, 2^b - 1 - narrow]
//   BipolarQuant      y = (x >= 0 ? 1 : -1) x scale
//   Trunc (5 inputs, version 1)
//                     q = rounding(round(x / scale + zeropt) / 2^(in_bits - out_bits));
//                     y = (q - zeropt) x scale
//   Trunc (6 inputs, version 2: out_scale before out_bitwidth)
//                     t = 2^round(log2(out_scale / scale));
//                     q = rounding(clamp(round(x / scale + zeropt) / t, out range));
//                     y = (q - zeropt / t) x out_scale
// Rounding modes: ROUND (half to even), CEIL, FLOOR, UP (away from zero), DOWN (towards
// zero), HALF_UP (half away from zero), HALF_DOWN (half towards zero); lower case too.
// Arithmetic in float32, as the published numpy implementations compute.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/error.h"
#include "ops/elementwise.h"
#include "ops/families.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class Rounding { HalfEven, Ceil, Floor, Up, Down, HalfUp, HalfDown };

Rounding read_rounding(const Attributes& attributes, const char* fallback, const std::string& what) {
  std::string mode = attributes.get_string("rounding_mode", fallback);
  std::transform(mode.begin(), mode.end(), mode.begin(), [](unsigned char c) { return std::toupper(c); });
  if (mode == "ROUND" || mode == "HALF_EVEN") return Rounding::HalfEven;
  if (mode == "CEIL") return Rounding::Ceil;
  if (mode == "FLOOR") return Rounding::Floor;
  if (mode == "UP") return Rounding::Up;
  if (mode == "DOWN") return Rounding::Down;
  if (mode == "HALF_UP") return Rounding::HalfUp;
  if (mode == "HALF_DOWN") return Rounding::HalfDown;
  fail_bad_input(what, ": unknown rounding_mode '", mode, "'");
}

float round_with(Rounding mode, float v) {
  switch (mode) {
    case Rounding::HalfEven: return std::nearbyint(v);
    case Rounding::Ceil: return std::ceil(v);
    case Rounding::Floor: return std::floor(v);
    case Rounding::Up: return v < 0 ? std::floor(v) : std::ceil(v);
    case Rounding::Down: return std::trunc(v);
    case Rounding::HalfUp: return std::round(v);  // halves away from zero
    case Rounding::HalfDown: {
      const float below = std::trunc(v);  // halves towards zero
      return std::abs(v - below) > 0.5f ? below + (v < 0 ? -1.0f : 1.0f) : below;
    }
  }
  return v;
}

// The integer range of `bits` bits (QONNX's min_int / max_int).
struct IntRange {
  float low, high;
};
IntRange int_range(bool is_signed, bool narrow, float bits, const std::string& what) {
  check_input(bits >= 1 && bits <= 32 && bits == std::floor(bits), what, ": bit width ", bits,
              " must be a whole number from 1 to 32");
  if (is_signed)
    return {-std::ldexp(1.0f, static_cast<int>(bits) - 1) + (narrow ? 1.0f : 0.0f),
            std::ldexp(1.0f, static_cast<int>(bits) - 1) - 1.0f};
  return {0.0f, std::ldexp(1.0f, static_cast<int>(bits)) - 1.0f - (narrow ? 1.0f : 0.0f)};
}

// Input `index` as float32 (bit widths may be int32 or float32).
Tensor float_input(const OpInputs& in, size_t index, const std::string& what) {
  const Tensor& tensor = require_input(in, index, what);
  check_input(tensor.dtype() == DType::Float32 || tensor.dtype() == DType::Int32 || tensor.dtype() == DType::Int64,
              what, ": input ", index, " must be float32 or an integer, not ", dtype_name(tensor.dtype()));
  return convert_tensor(tensor, DType::Float32);
}

std::unique_ptr<Operator> create_quant(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const Rounding rounding = read_rounding(info.attributes(), "ROUND", what);
  const bool is_signed = info.attributes().get_int("signed", 1) != 0;
  const bool narrow = info.attributes().get_int("narrow", 0) != 0;
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor x = float_input(in, 0, what), scale = float_input(in, 1, what);
    const Tensor zeropt = float_input(in, 2, what), bits = float_input(in, 3, what);
    out[0] = apply_elementwise<float>(
        what,
        [&](float v, float s, float z, float b) {
          const IntRange range = int_range(is_signed, narrow, b, what);
          const float q = round_with(rounding, std::clamp(v / s + z, range.low, range.high));
          return (q - z) * s;
        },
        operand<float>(x), operand<float>(scale), operand<float>(zeropt), operand<float>(bits));
  });
}

std::unique_ptr<Operator> create_bipolar_quant(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor x = float_input(in, 0, what), scale = float_input(in, 1, what);
    out[0] = apply_elementwise<float>(
        what, [](float v, float s) { return (v >= 0.0f ? 1.0f : -1.0f) * s; }, operand<float>(x),
        operand<float>(scale));
  });
}

std::unique_ptr<Operator> create_trunc(const OpCreateInfo& info) {
  const std::string what = info.describe();
  const Rounding rounding = read_rounding(info.attributes(), "FLOOR", what);
  const bool is_signed = info.attributes().get_int("signed", 1) != 0;
  const bool narrow = info.attributes().get_int("narrow", 0) != 0;
  return make_operator([=](const OpInputs& in, OpOutputs& out) {
    const Tensor x = float_input(in, 0, what), scale = float_input(in, 1, what);
    const Tensor zeropt = float_input(in, 2, what), in_bits = float_input(in, 3, what);
    if (in.size() < 6) {  // version 1: x, scale, zeropt, in_bitwidth, out_bitwidth
      const Tensor out_bits = float_input(in, 4, what);
      out[0] = apply_elementwise<float>(
          what,
          [&](float v, float s, float z, float bi, float bo) {
            const float truncated = std::nearbyint(v / s + z) / std::ldexp(1.0f, static_cast<int>(bi - bo));
            return (round_with(rounding, truncated) - z) * s;
          },
          operand<float>(x), operand<float>(scale), operand<float>(zeropt), operand<float>(in_bits),
          operand<float>(out_bits));
      return;
    }
    // Version 2: x, scale, zeropt, in_bitwidth, out_scale, out_bitwidth.
    const Tensor out_scale = float_input(in, 4, what), out_bits = float_input(in, 5, what);
    out[0] = apply_elementwise<float>(
        what,
        [&](float v, float s, float z, float so, float bo) {
          const float t = std::exp2(std::nearbyint(std::log2(so / s)));  // a power of two
          const IntRange range = int_range(is_signed, narrow, bo, what);
          const float q = round_with(rounding, std::clamp(std::nearbyint(v / s + z) / t, range.low, range.high));
          return (q - z / t) * so;
        },
        operand<float>(x), operand<float>(scale), operand<float>(zeropt), operand<float>(out_scale),
        operand<float>(out_bits));
  });
}

}  // namespace

void register_qonnx_quant_operators(OpRegistry& registry) {
  for (const char* domain : {"qonnx.custom_op.general", "finn.custom_op.general"}) {
    registry.add(domain, "Quant", create_quant);
    registry.add(domain, "IntQuant", create_quant);
    registry.add(domain, "BipolarQuant", create_bipolar_quant);
    registry.add(domain, "Trunc", create_trunc);
  }
}

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The output parameters of the integer operators: reading, the clamp of an absorbed
// activation, multipliers and bias.
#include "ops/quantized/output_requantization.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.h"

namespace vigil {

OutputRequantization OutputRequantization::read(const Tensor& y_scale, const Tensor* y_zero_point,
                                                const kernels::ActivationSpec& activation, const std::string& what) {
  OutputRequantization y;
  y.scale = scalar_scale(y_scale, what, "y_scale");
  check_input(std::isfinite(y.scale) && y.scale > 0, what, ": y_scale must be positive, not ", y.scale);
  y.type = y_zero_point ? y_zero_point->dtype() : DType::UInt8;
  check_input(is_8_bit(y.type), what, ": y_zero_point must be uint8 or int8, not ", dtype_name(y.type));
  y.zero_point = scalar_zero_point(y_zero_point, what, "y_zero_point");
  y.min = y.type == DType::UInt8 ? 0 : -128;
  y.max = y.type == DType::UInt8 ? 255 : 127;
  // The bounds quantized as QuantizeLinear would (divide in float32, round, add, saturate).
  auto quantize = [&](float value) {
    return y.type == DType::UInt8 ? int32_t{saturate_round<uint8_t>(value / y.scale, y.zero_point)}
                                  : int32_t{saturate_round<int8_t>(value / y.scale, y.zero_point)};
  };
  switch (activation.kind) {
    case kernels::Activation::None: break;
    case kernels::Activation::Relu: y.min = std::max(y.min, quantize(0.0f)); break;
    case kernels::Activation::Clip:
      if (activation.alpha > -std::numeric_limits<float>::infinity())
        y.min = std::max(y.min, quantize(activation.alpha));
      if (activation.beta < std::numeric_limits<float>::infinity()) y.max = std::min(y.max, quantize(activation.beta));
      break;
    default: fail_bad_input(what, ": an integer operator absorbs only Relu and Clip");
  }
  return y;
}

std::vector<kernels::FixedPointMultiplier> channel_multipliers(float x_scale, const QuantizationParameters& weights,
                                                               float y_scale) {
  std::vector<kernels::FixedPointMultiplier> multipliers;
  for (int64_t c = 0; c < weights.channels(); ++c) {
    // The product in float32, as the float group and ONNX's QLinearConv form it.
    const float real = x_scale * weights.scale(c) / y_scale;
    multipliers.push_back(kernels::fixed_point_multiplier(real));
  }
  return multipliers;
}

std::vector<int32_t> integer_bias(const Tensor* bias, const Tensor* bias_scale, float x_scale,
                                  const QuantizationParameters& weights, int64_t channels, const std::string& what) {
  if (!bias) return {};
  check_input(bias->numel() == channels, what, ": the bias has ", bias->numel(), " values for ", channels,
              " output channels");
  const bool quantized = bias->dtype() == DType::Int32;
  check_input(quantized || bias->dtype() == DType::Float32, what, ": the bias must be int32 or float32");
  const std::vector<double> values = bias->to_double_vector();
  if (quantized && !bias_scale) {  // already on the sum's grid (QLinearConv's B)
    return std::vector<int32_t>(values.begin(), values.end());
  }
  std::vector<double> scales(static_cast<size_t>(channels), 1.0);
  if (quantized) {
    const QuantizationParameters parameters(bias->shape(), bias_scale, nullptr, 0, what);
    for (int64_t c = 0; c < channels; ++c) scales[c] = parameters.scale(parameters.channels() == 1 ? 0 : c);
  }
  std::vector<int32_t> result(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    const double sum_scale = static_cast<double>(x_scale * weights.scale(weights.channels() == 1 ? 0 : c));
    const double value = std::nearbyint(values[c] * scales[c] / sum_scale);
    check_input(std::abs(value) < 2147483647.0, what, ": bias ", c, " does not fit the int32 sum");
    result[c] = static_cast<int32_t>(value);
  }
  return result;
}

kernels::QS8AddParameters read_q8_add_parameters(const Tensor& a_scale, const Tensor* a_zero_point,
                                                 const Tensor& b_scale, const Tensor* b_zero_point,
                                                 const Tensor& y_scale, const Tensor* y_zero_point,
                                                 const kernels::ActivationSpec& activation, const std::string& what) {
  auto operand = [&](const Tensor& scale, const Tensor* zero_point, const char* name) {
    check_input(!zero_point || is_8_bit(zero_point->dtype()), what, ": ", name, "_zero_point must be uint8 or int8");
    return TensorQuantization::read(scale, zero_point, what, name);
  };
  const TensorQuantization a = operand(a_scale, a_zero_point, "a");
  const TensorQuantization b = operand(b_scale, b_zero_point, "b");
  const OutputRequantization y = OutputRequantization::read(y_scale, y_zero_point, activation, what);
  return kernels::QS8AddParameters::make(a.scale, a.zero_point, b.scale, b.zero_point, y.scale, y.zero_point, y.min,
                                         y.max, y.type == DType::Int8);
}

}  // namespace vigil

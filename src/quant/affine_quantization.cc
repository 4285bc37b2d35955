// SPDX-License-Identifier: Apache-2.0
// Scales, zero points and the quantized initializers.
#include "quant/affine_quantization.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

namespace vigil::quant {

namespace {

int32_t round_clamped(double value, double lo, double hi) {
  return static_cast<int32_t>(std::clamp(std::nearbyint(value), lo, hi));
}

}  // namespace

int32_t ScaleZeroPoint::quantize(float x, int32_t qmin, int32_t qmax) const {
  const double rounded = std::nearbyint(static_cast<double>(x / scale)) + zero_point;
  return static_cast<int32_t>(std::clamp(rounded, static_cast<double>(qmin), static_cast<double>(qmax)));
}

IntegerRange integer_range(const ActivationScheme& scheme) {
  if (scheme.bits < 8) return {0, (1 << scheme.bits) - 1};
  if (scheme.type == DType::UInt8) return {0, 255};
  return scheme.symmetric ? IntegerRange{-127, 127} : IntegerRange{-128, 127};
}

ScaleZeroPoint activation_parameters(Range range, const ActivationScheme& scheme) {
  const double lo = std::min(0.0f, range.lo), hi = std::max(0.0f, range.hi);
  const IntegerRange q = integer_range(scheme);
  if (scheme.symmetric && scheme.bits == 8) {
    const double t = std::max(-lo, hi);
    if (t == 0) return {1.0f, scheme.type == DType::UInt8 ? 128 : 0};
    if (scheme.type == DType::UInt8) return {static_cast<float>(2 * t / 255), 128};
    return {static_cast<float>(t / 127), 0};
  }
  if (hi == lo) return {1.0f, q.min};
  const float scale = static_cast<float>((hi - lo) / (q.max - q.min));
  return {scale, round_clamped(q.min - lo / scale, q.min, q.max)};
}

QuantizedWeight quantize_weight(const Tensor& weight, int64_t axis, float clip, int bits) {
  assert(bits >= 1 && bits <= 8);
  assert(weight.dtype() == DType::Float32 && axis < weight.rank());
  QuantizedWeight result;
  result.axis = axis;
  result.values = Tensor(DType::Int8, weight.shape());
  const int64_t channels = axis < 0 ? 1 : weight.dim(axis);
  int64_t inner = 1;  // elements between successive indices along the axis
  for (int64_t d = axis + 1; axis >= 0 && d < weight.rank(); ++d) inner *= weight.dim(d);
  const auto channel_of = [&](int64_t i) { return axis < 0 ? 0 : (i / inner) % channels; };

  const float* w = weight.data<float>();
  int8_t* q = result.values.data<int8_t>();
  if (bits == 1) {
    std::vector<double> abs_sum(static_cast<size_t>(channels), 0.0);
    for (int64_t i = 0; i < weight.numel(); ++i) {
      abs_sum[static_cast<size_t>(channel_of(i))] += std::fabs(w[i]);
      q[i] = w[i] >= 0.0f ? 1 : -1;
    }
    const double per_channel = static_cast<double>(weight.numel()) / static_cast<double>(channels);
    for (double sum : abs_sum) result.scales.push_back(sum > 0 ? static_cast<float>(sum / per_channel) : 1.0f);
    return result;
  }
  const int32_t levels = (1 << (bits - 1)) - 1;
  std::vector<float> abs_max(static_cast<size_t>(channels), 0.0f);
  for (int64_t i = 0; i < weight.numel(); ++i) {
    float& m = abs_max[static_cast<size_t>(channel_of(i))];
    m = std::max(m, std::fabs(w[i]));
  }
  for (float m : abs_max) {
    const float scale = static_cast<float>(static_cast<double>(clip) * m / levels);
    result.scales.push_back(scale > 0 ? scale : 1.0f);
  }
  for (int64_t i = 0; i < weight.numel(); ++i) {
    const ScaleZeroPoint p{result.scales[static_cast<size_t>(channel_of(i))], 0};
    q[i] = static_cast<int8_t>(p.quantize(w[i], -levels, levels));
  }
  return result;
}

QuantizedBias quantize_bias(const Tensor& bias, float input_scale, const std::vector<float>& weight_scales) {
  assert(bias.dtype() == DType::Float32);
  assert(weight_scales.size() == 1 || static_cast<int64_t>(weight_scales.size()) == bias.numel());
  QuantizedBias result;
  for (float s : weight_scales) result.scales.push_back(input_scale * s);
  result.values = Tensor(DType::Int32, bias.shape());
  const float* b = bias.data<float>();
  int32_t* q = result.values.data<int32_t>();
  constexpr double kMin = std::numeric_limits<int32_t>::lowest(), kMax = std::numeric_limits<int32_t>::max();
  for (int64_t i = 0; i < bias.numel(); ++i) {
    const float scale = result.scales[result.scales.size() == 1 ? 0 : static_cast<size_t>(i)];
    q[i] = round_clamped(static_cast<double>(b[i] / scale), kMin, kMax);
  }
  return result;
}

}  // namespace vigil::quant

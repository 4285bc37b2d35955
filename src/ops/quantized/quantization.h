// SPDX-License-Identifier: Apache-2.0
// What the integer operators share with ONNX's quantization semantics: rounding half to
// even and saturating into the target type, and the scale and zero point that apply to
// each element of a tensor, one for all (per-tensor) or one per index along an axis
// (per-axis). quantize_linear.cc (QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear),
// qlinear_matmul.cc and qlinear_conv.cc read their parameters through it.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/tensor.h"

namespace vigil {

// uint8 or int8: the types the integer operators take and give.
inline bool is_8_bit(DType type) { return type == DType::UInt8 || type == DType::Int8; }

// value rounded to the nearest integer, ties to even (the default rounding mode), plus
// zero_point, then clamped into Q's range. The zero point is added after rounding, as
// ONNX specifies: with an odd zero point, rounding the sum would break ties the other way
// (25.5 + 153 rounds to 178, but round(25.5) + 153 is 179). A float32 quotient
// (QuantizeLinear divides in float32) converts to double exactly.
template <class Q>
Q saturate_round(double value, int32_t zero_point) {
  const double rounded = std::nearbyint(value) + zero_point;
  if (!(rounded > static_cast<double>(std::numeric_limits<Q>::lowest()))) return std::numeric_limits<Q>::lowest();
  if (rounded >= static_cast<double>(std::numeric_limits<Q>::max())) return std::numeric_limits<Q>::max();
  return static_cast<Q>(rounded);
}

// The scales and zero points of one quantized tensor, and which one each element takes.
class QuantizationParameters {
 public:
  // `scale` (nullptr: ones, as many as zero points) and `zero_point` (nullptr: zeros) are
  // scalars or one-element tensors (per-tensor), or 1-D with shape[axis] elements
  // (per-axis) for a tensor of `shape`.
  // A bad-input Error naming `what` otherwise, or if the scale is not float32 or the zero
  // point not an 8- or 32-bit integer.
  QuantizationParameters(const Shape& shape, const Tensor* scale, const Tensor* zero_point, int64_t axis,
                         const std::string& what);

  int64_t channels() const { return static_cast<int64_t>(scales_.size()); }
  // The parameter index of element `element` (row-major) of the tensor.
  int64_t channel_of(int64_t element) const { return per_axis_ ? (element / inner_) % channels() : 0; }
  // How many elements from `element` on share its parameters (at least 1).
  int64_t elements_sharing(int64_t element) const {
    return per_axis_ ? inner_ - element % inner_ : std::numeric_limits<int64_t>::max() - element;
  }
  float scale(int64_t channel) const { return scales_[static_cast<size_t>(channel)]; }
  int32_t zero_point(int64_t channel) const { return zero_points_[static_cast<size_t>(channel)]; }

 private:
  std::vector<float> scales_;
  std::vector<int32_t> zero_points_;
  bool per_axis_ = false;
  int64_t inner_ = 1;  // elements between successive indices along the axis
};

// A scalar (or one-element) zero point as int32; 0 if absent. A bad-input Error naming
// `what` and `name` if it has more than one element.
int32_t scalar_zero_point(const Tensor* zero_point, const std::string& what, const char* name);
// A scalar (or one-element) float32 scale.
float scalar_scale(const Tensor& scale, const std::string& what, const char* name);

// One per-tensor scale and zero point, as the com.microsoft QLinear* operators take them.
struct TensorQuantization {
  float scale = 1.0f;
  int32_t zero_point = 0;
  // Reads a float32 scalar scale and an optional scalar zero point (nullptr: 0).
  static TensorQuantization read(const Tensor& scale, const Tensor* zero_point, const std::string& what,
                                 const char* name);
  float dequantize(int32_t value) const { return scale * static_cast<float>(value - zero_point); }
  template <class Q>
  Q quantize(float value) const {
    return saturate_round<Q>(value / scale, zero_point);
  }
};

// A uint8 or int8 tensor of `shape` holding `values` quantized by `quantization`.
Tensor quantize_values(const std::vector<float>& values, const Shape& shape, DType type,
                       const TensorQuantization& quantization, const std::string& what);

// The elements of an 8-bit or 32-bit integer tensor as int32.
std::vector<int32_t> int32_values(const Tensor& tensor, const std::string& what);

// The elements of an 8-bit or 32-bit integer tensor minus their zero points, as int32.
std::vector<int32_t> centred_int32(const Tensor& tensor, const QuantizationParameters& parameters,
                                   const std::string& what);

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// Reading quantization parameters (quantization.h).
#include "ops/quantized/quantization.h"

#include <algorithm>

#include "core/error.h"

namespace vigil {

namespace {

bool integer_8_or_32(DType type) { return type == DType::UInt8 || type == DType::Int8 || type == DType::Int32; }

}  // namespace

std::vector<int32_t> int32_values(const Tensor& tensor, const std::string& what) {
  std::vector<int32_t> values(static_cast<size_t>(tensor.numel()));
  switch (tensor.dtype()) {
    case DType::UInt8:
      for (int64_t i = 0; i < tensor.numel(); ++i) values[i] = tensor.data<uint8_t>()[i];
      break;
    case DType::Int8:
      for (int64_t i = 0; i < tensor.numel(); ++i) values[i] = tensor.data<int8_t>()[i];
      break;
    case DType::Int32:
      for (int64_t i = 0; i < tensor.numel(); ++i) values[i] = tensor.data<int32_t>()[i];
      break;
    default: fail_bad_input(what, ": expected uint8, int8 or int32, not ", dtype_name(tensor.dtype()));
  }
  return values;
}

QuantizationParameters::QuantizationParameters(const Shape& shape, const Tensor* scale, const Tensor* zero_point,
                                               int64_t axis, const std::string& what) {
  const Tensor* counted = scale ? scale : zero_point;
  if (scale) {
    check_input(scale->dtype() == DType::Float32, what, ": the scale must be float32, not ",
                dtype_name(scale->dtype()));
    scales_.assign(scale->data<float>(), scale->data<float>() + scale->numel());
  }
  if (zero_point) {
    check_input(integer_8_or_32(zero_point->dtype()), what, ": the zero point must be uint8, int8 or int32, not ",
                dtype_name(zero_point->dtype()));
    if (scale) {  // the message's arguments are evaluated whether it fails or not
      check_input(zero_point->numel() == scale->numel(), what, ": ", zero_point->numel(), " zero points for ",
                  scale->numel(), " scales");
    }
    zero_points_ = int32_values(*zero_point, what);
  }
  const int64_t count = counted ? counted->numel() : 1;
  check_input(!counted || (counted->rank() <= 1 && count >= 1), what,
              ": scales and zero points must be scalars or 1-D, not ",
              shape_to_string(counted ? counted->shape() : Shape{}));
  if (scales_.empty()) scales_.assign(static_cast<size_t>(count), 1.0f);
  if (zero_points_.empty()) zero_points_.assign(static_cast<size_t>(count), 0);
  if (counted && counted->rank() == 1 && count > 1) {
    const int64_t rank = static_cast<int64_t>(shape.size());
    axis = normalize_axis(axis, rank, what);
    check_input(shape[axis] == count, what, ": ", count, " scales or zero points for axis ", axis, " of ",
                shape_to_string(shape));
    per_axis_ = true;
    for (int64_t d = axis + 1; d < rank; ++d) inner_ *= shape[d];
  }
}

int32_t scalar_zero_point(const Tensor* zero_point, const std::string& what, const char* name) {
  if (!zero_point) return 0;
  check_input(zero_point->numel() == 1, what, ": ", name, " must be a scalar here, not ",
              shape_to_string(zero_point->shape()));
  return int32_values(*zero_point, what)[0];
}

float scalar_scale(const Tensor& scale, const std::string& what, const char* name) {
  check_input(scale.dtype() == DType::Float32 && scale.numel() == 1, what, ": ", name,
              " must be a float32 scalar, not ", dtype_name(scale.dtype()), " ", shape_to_string(scale.shape()));
  return scale.data<float>()[0];
}

TensorQuantization TensorQuantization::read(const Tensor& scale, const Tensor* zero_point, const std::string& what,
                                            const char* name) {
  const std::string scale_name = std::string(name) + "_scale", zero_point_name = std::string(name) + "_zero_point";
  return {scalar_scale(scale, what, scale_name.c_str()), scalar_zero_point(zero_point, what, zero_point_name.c_str())};
}

Tensor quantize_values(const std::vector<float>& values, const Shape& shape, DType type,
                       const TensorQuantization& quantization, const std::string& what) {
  check_input(is_8_bit(type), what, ": quantizes to uint8 or int8, not ", dtype_name(type));
  Tensor y(type, shape);
  for (size_t i = 0; i < values.size(); ++i) {
    if (type == DType::UInt8) {
      y.data<uint8_t>()[i] = quantization.quantize<uint8_t>(values[i]);
    } else {
      y.data<int8_t>()[i] = quantization.quantize<int8_t>(values[i]);
    }
  }
  return y;
}

std::vector<int32_t> centred_int32(const Tensor& tensor, const QuantizationParameters& parameters,
                                   const std::string& what) {
  std::vector<int32_t> values = int32_values(tensor, what);
  // Runs of elements that share a zero point: one division per run, not per element.
  const int64_t count = tensor.numel();
  for (int64_t first = 0; first < count;) {
    const int64_t last = std::min(count, first + parameters.elements_sharing(first));
    const int32_t zero_point = parameters.zero_point(parameters.channel_of(first));
    for (int64_t i = first; i < last; ++i) values[static_cast<size_t>(i)] -= zero_point;
    first = last;
  }
  return values;
}

}  // namespace vigil

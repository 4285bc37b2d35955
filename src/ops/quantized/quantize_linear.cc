// SPDX-License-Identifier: Apache-2.0
// The quantization operators of ONNX: QuantizeLinear (float to uint8/int8: x / scale
// rounded half to even, plus the zero point, saturated), DequantizeLinear (uint8, int8 or
// int32 back to float: (x - zero point) x scale), per tensor or per axis, and
// DynamicQuantizeLinear (uint8 with a scale and zero point computed from the data's range,
// which always includes 0). Reference operators, except that per-tensor QuantizeLinear of
// float32 and DynamicQuantizeLinear run the vector loops of kernels/f32_qs8_quantize.h (a QDQ
// model's input, a dynamically quantized model's activations). The QDQ pass
// (graph/passes/fuse_qdq.cc) replaces the pairs around an operator by integer arithmetic.
#include <algorithm>

#include "core/error.h"
#include "kernels/f32_qs8_quantize.h"
#include "ops/families.h"
#include "ops/quantized/quantization.h"
#include "ops/registry.h"

namespace vigil {

namespace {

template <class Q>
void quantize(const Tensor& x, const QuantizationParameters& parameters, Tensor& y) {
  Q* out = y.data<Q>();
  for (int64_t i = 0; i < x.numel(); ++i) {
    const int64_t channel = parameters.channel_of(i);
    const float value = x.dtype() == DType::Float32 ? x.data<float>()[i] : static_cast<float>(x.data<int32_t>()[i]);
    const float quotient = value / parameters.scale(channel);  // float32 division, as ONNX specifies
    out[i] = saturate_round<Q>(quotient, parameters.zero_point(channel));
  }
}

std::unique_ptr<Operator> create_quantize_linear(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 1);
  return make_operator([axis, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor& scale = require_input(in, 1, what);
    const Tensor* zero_point = has_input(in, 2) ? in[2] : nullptr;
    check_input(x.dtype() == DType::Float32 || x.dtype() == DType::Int32, what, ": x must be float32 or int32, not ",
                dtype_name(x.dtype()));
    const QuantizationParameters parameters(x.shape(), &scale, zero_point, axis, what);
    const DType type = zero_point ? zero_point->dtype() : DType::UInt8;
    check_input(type == DType::UInt8 || type == DType::Int8, what, ": quantizes to uint8 or int8, not ",
                dtype_name(type));
    out[0] = Tensor(type, x.shape());
    if (x.dtype() == DType::Float32 && parameters.channels() == 1) {
      kernels::f32_qs8_quantize(x.numel(), x.data<float>(), parameters.scale(0), parameters.zero_point(0),
                                type == DType::Int8, static_cast<uint8_t*>(out[0].raw()));
    } else if (type == DType::UInt8) {
      quantize<uint8_t>(x, parameters, out[0]);
    } else {
      quantize<int8_t>(x, parameters, out[0]);
    }
  });
}

std::unique_ptr<Operator> create_dequantize_linear(const OpCreateInfo& info) {
  const int64_t axis = info.attributes().get_int("axis", 1);
  return make_operator([axis, what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    const Tensor* zero_point = has_input(in, 2) ? in[2] : nullptr;
    const QuantizationParameters parameters(x.shape(), &require_input(in, 1, what), zero_point, axis, what);
    check_input(!zero_point || zero_point->dtype() == x.dtype(), what, ": x is ", dtype_name(x.dtype()),
                " but its zero point ", dtype_name(zero_point ? zero_point->dtype() : x.dtype()));
    if (x.dtype() == DType::Int32) {
      for (int64_t c = 0; c < parameters.channels(); ++c) {
        check_input(parameters.zero_point(c) == 0, what, ": an int32 input takes a zero point of 0");
      }
    }
    out[0] = Tensor::for_overwrite(DType::Float32, x.shape());
    float* y = out[0].data<float>();
    // Runs of elements that share a scale and zero point, read in x's own type.
    auto dequantize = [&](const auto* values) {
      for (int64_t first = 0, count = x.numel(); first < count;) {
        const int64_t last = std::min(count, first + parameters.elements_sharing(first));
        const int64_t channel = parameters.channel_of(first);
        const int32_t zero_point = parameters.zero_point(channel);
        const float scale = parameters.scale(channel);
        for (int64_t i = first; i < last; ++i) y[i] = static_cast<float>(int32_t{values[i]} - zero_point) * scale;
        first = last;
      }
    };
    switch (x.dtype()) {
      case DType::UInt8: dequantize(x.data<uint8_t>()); break;
      case DType::Int8: dequantize(x.data<int8_t>()); break;
      case DType::Int32: dequantize(x.data<int32_t>()); break;
      default: {
        const std::vector<int32_t> centred = centred_int32(x, parameters, what);
        for (int64_t i = 0, count = x.numel(); i < count; ++i) {
          y[i] = static_cast<float>(centred[static_cast<size_t>(i)]) * parameters.scale(parameters.channel_of(i));
        }
      }
    }
  });
}

// y_scale = (max(0, max x) - min(0, min x)) / 255; zero point = 0 - min / scale, rounded
// and saturated; y as QuantizeLinear. All-zero data gives scale 0, zero point 0, y 0.
std::unique_ptr<Operator> create_dynamic_quantize_linear(const OpCreateInfo& info) {
  return make_operator([what = info.describe()](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, what);
    check_input(x.dtype() == DType::Float32, what, ": x must be float32, not ", dtype_name(x.dtype()));
    const float* data = x.data<float>();
    float low = 0.0f, high = 0.0f;
    if (!kernels::f32_finite_range(x.numel(), data, low, high)) {
      const float* bad = std::find_if(data, data + x.numel(), [](float v) { return !std::isfinite(v); });
      fail_bad_input(what, ": x holds ", *bad, " at element ", bad - data);
    }
    const float scale = (high - low) / 255.0f;
    const uint8_t zero_point = scale > 0.0f ? saturate_round<uint8_t>(0.0f - low / scale, 0) : 0;
    out[0] = Tensor(DType::UInt8, x.shape());
    out[1] = Tensor(DType::Float32, {});
    out[2] = Tensor(DType::UInt8, {});
    out[1].data<float>()[0] = scale;
    out[2].data<uint8_t>()[0] = zero_point;
    uint8_t* y = out[0].data<uint8_t>();
    if (scale > 0.0f) {
      kernels::f32_qs8_quantize(x.numel(), data, scale, zero_point, false, y);
    } else {
      std::fill(y, y + x.numel(), uint8_t{0});
    }
  });
}

}  // namespace

void register_quantize_linear_operators(OpRegistry& registry) {
  registry.add("", "QuantizeLinear", create_quantize_linear);
  registry.add("", "DequantizeLinear", create_dequantize_linear);
  registry.add("", "DynamicQuantizeLinear", create_dynamic_quantize_linear);
}

}  // namespace vigil

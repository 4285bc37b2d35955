// SPDX-License-Identifier: Apache-2.0
// The integer convolutions of ONNX, as reference operators: ConvInteger (uint8/int8 input
// and weights minus their zero points, int32 out) and QLinearConv (the same plus an int32
// bias, then requantized: the int32 sum x (x_scale x w_scale / y_scale), rounded half to
// even, plus y's zero point, saturated to uint8 or int8). Weight zero points and scales
// may be per output channel. The sums are exact int32 (the reference convolution of
// conv_reference.h on centred values); the float multiplier is formed in float32 and
// applied in double, as ONNX's reference does.
#include "ops/families.h"
#include "ops/quantized/integer_conv.h"
#include "ops/registry.h"

namespace vigil {

namespace {

std::unique_ptr<Operator> create_conv_integer(const OpCreateInfo& info) {
  return make_operator([conv = IntegerConv(info)](const OpInputs& in, OpOutputs& out) {
    const std::string& what = conv.what();
    ConvProblem problem;
    const std::vector<int32_t> sums =
        conv.sums(require_input(in, 0, what), has_input(in, 2) ? in[2] : nullptr, require_input(in, 1, what),
                  has_input(in, 3) ? in[3] : nullptr, nullptr, problem);
    out[0] = Tensor(DType::Int32, conv_output_shape(problem));
    std::copy(sums.begin(), sums.end(), out[0].data<int32_t>());
  });
}

template <class Q>
void requantize(const std::vector<int32_t>& sums, const std::vector<float>& multipliers, int64_t plane,
                int32_t zero_point, Q* y) {
  const int64_t channels = static_cast<int64_t>(multipliers.size());
  for (size_t i = 0; i < sums.size(); ++i) {
    const int64_t channel = static_cast<int64_t>(i) / plane % channels;
    y[i] = saturate_round<Q>(static_cast<double>(sums[i]) * multipliers[channel], zero_point);
  }
}

// Inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point, y_scale, y_zero_point, B.
std::unique_ptr<Operator> create_qlinear_conv(const OpCreateInfo& info) {
  return make_operator([conv = IntegerConv(info)](const OpInputs& in, OpOutputs& out) {
    const std::string& what = conv.what();
    const Tensor& x = require_input(in, 0, what);
    const Tensor& w = require_input(in, 3, what);
    const Tensor* y_zero_point = has_input(in, 7) ? in[7] : nullptr;
    ConvProblem problem;
    const std::vector<int32_t> sums =
        conv.sums(x, has_input(in, 2) ? in[2] : nullptr, w, has_input(in, 5) ? in[5] : nullptr,
                  has_input(in, 8) ? in[8] : nullptr, problem);
    const float x_scale = scalar_scale(require_input(in, 1, what), what, "x_scale");
    const float y_scale = scalar_scale(require_input(in, 6, what), what, "y_scale");
    const QuantizationParameters w_parameters(w.shape(), &require_input(in, 4, what), nullptr, 0, what);
    std::vector<float> multipliers(static_cast<size_t>(w_parameters.channels()));
    for (int64_t m = 0; m < w_parameters.channels(); ++m) multipliers[m] = x_scale * w_parameters.scale(m) / y_scale;
    const Shape y_shape = conv_output_shape(problem);
    const DType type = y_zero_point ? y_zero_point->dtype() : x.dtype();
    check_input(type == x.dtype(), what, ": y's zero point is ", dtype_name(type), " but x is ", dtype_name(x.dtype()));
    const int32_t zero_point = scalar_zero_point(y_zero_point, what, "y_zero_point");
    const int64_t plane = shape_numel(y_shape) / std::max<int64_t>(1, problem.batch * problem.out_channels);
    out[0] = Tensor(type, y_shape);
    if (type == DType::UInt8) {
      requantize(sums, multipliers, plane, zero_point, out[0].data<uint8_t>());
    } else {
      requantize(sums, multipliers, plane, zero_point, out[0].data<int8_t>());
    }
  });
}

}  // namespace

void register_qlinear_conv_operators(OpRegistry& registry) {
  registry.add("", "ConvInteger", create_conv_integer);
  registry.add("", "QLinearConv", create_qlinear_conv);
}

}  // namespace vigil

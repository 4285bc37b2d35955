// SPDX-License-Identifier: Apache-2.0
// The integer convolution that ConvInteger, QLinearConv (qlinear_conv.cc) and vigil's
// QConv (vigil_qconv.cc) share as their reference: the attributes, and the exact int32 sums
// conv(x - x_zero_point, w - w_zero_point) + bias, on the reference convolution of
// conv_reference.h.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "ops/conv_geometry.h"
#include "ops/conv_reference.h"
#include "ops/operator.h"
#include "ops/quantized/quantization.h"

namespace vigil {

// The attributes of both operators, and the int32 convolution of centred x and w.
class IntegerConv {
 public:
  explicit IntegerConv(const OpCreateInfo& info)
      : what_(info.describe()),
        window_(WindowAttributes::read(info.attributes(), what_)),
        group_(info.attributes().get_int("group", 1)),
        threads_(std::max(1, info.threads)) {
    check_input(group_ >= 1, what_, ": group must be positive");
  }

  const std::string& what() const { return what_; }

  // conv(x - x_zero_point, w - w_zero_point[m]) + bias, in int32; `problem` is resolved.
  std::vector<int32_t> sums(const Tensor& x, const Tensor* x_zero_point, const Tensor& w, const Tensor* w_zero_point,
                            const Tensor* bias, ConvProblem& problem) const {
    check_input(is_8_bit(x.dtype()) && is_8_bit(w.dtype()), what_, ": x and w must be uint8 or int8, not ",
                dtype_name(x.dtype()), " and ", dtype_name(w.dtype()));
    check_input(!bias || bias->dtype() == DType::Int32, what_, ": the bias must be int32");
    problem = resolve_conv(x, w, bias, window_, group_, what_);
    scalar_zero_point(x_zero_point, what_, "x_zero_point");
    const QuantizationParameters x_parameters(x.shape(), nullptr, x_zero_point, 1, what_);
    const QuantizationParameters w_parameters(w.shape(), nullptr, w_zero_point, 0, what_);
    const std::vector<int32_t> x_centred = centred_int32(x, x_parameters, what_);
    const std::vector<int32_t> w_centred = centred_int32(w, w_parameters, what_);
    std::vector<int32_t> y(static_cast<size_t>(shape_numel(conv_output_shape(problem))));
    run_reference_conv<int32_t>(problem, x_centred.data(), w_centred.data(), bias ? bias->data<int32_t>() : nullptr,
                                y.data(), threads_);
    return y;
  }

 private:
  std::string what_;
  WindowAttributes window_;
  int64_t group_;
  int threads_;
};

}  // namespace vigil

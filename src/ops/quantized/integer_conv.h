// SPDX-License-Identifier: Apache-2.0
// The integer convolution that ConvInteger, QLinearConv (qlinear_conv.cc) and vigil's
// QConv (vigil_qconv.cc, q_conv_to_float.cc) share as their reference: the attributes, and
// the exact int32 sums conv(x - x_zero_point, w - w_zero_point) + bias, on the reference
// convolution of conv_reference.h; and the gathered patches of one group's image, which
// their int8 GEMM paths read.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/shared_preparation.h"
#include "kernels/qs8_gemm.h"
#include "kernels/x8_conv_patches.h"
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

// int8 weights w (M x C/group x kh x kw) packed for the int8 GEMM group by group, each as
// it is (M/group rows of depth C/group x kh x kw), shared with other sessions over the same
// weights (core/shared_preparation.h).
inline std::shared_ptr<const std::vector<kernels::QS8PackedWeights>> shared_gemm_weights(const Tensor& w,
                                                                                         int64_t group) {
  return shared_preparation<std::vector<kernels::QS8PackedWeights>>(w, str_cat("gemm ", group), [&] {
    auto packed = std::make_unique<std::vector<kernels::QS8PackedWeights>>();
    const int64_t rows = w.dim(0) / group, depth = w.numel() / w.dim(0);
    for (int64_t g = 0; g < group; ++g) packed->emplace_back(rows, depth, w.data<int8_t>() + g * rows * depth, depth);
    return packed;
  });
}

// The patches of a 2-D convolution planned as `plan` over `image` (its group's `channels`
// planes), padded with `zero_point`, for kernels::x8_conv_patch_packer.
inline kernels::U8ConvPatches gathered_patches(const WindowPlan& plan, const uint8_t* image, int64_t channels,
                                               uint8_t zero_point, bool is_signed) {
  kernels::U8ConvPatches patches;
  patches.image = image;
  patches.channels = channels;
  patches.in_h = plan.input[0];
  patches.in_w = plan.input[1];
  patches.out_h = plan.output[0];
  patches.out_w = plan.output[1];
  patches.kernel_h = plan.kernel[0];
  patches.kernel_w = plan.kernel[1];
  patches.stride_h = plan.strides[0];
  patches.stride_w = plan.strides[1];
  patches.dilation_h = plan.dilations[0];
  patches.dilation_w = plan.dilations[1];
  patches.pad_top = plan.pads_begin[0];
  patches.pad_left = plan.pads_begin[1];
  patches.zero_point = zero_point;
  patches.is_signed = is_signed;
  return patches;
}

}  // namespace vigil

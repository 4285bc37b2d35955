// The depthwise int8 convolution (one filter per channel, MobileNet's 3x3 layers), channel
// by channel, with the requantization of kernels/requantize.h:
//   y = clamp(y_zero_point + round_half_even((sum_taps (x - x_zero_point) w + bias) x M))
// A channel's plane is first copied into a padded plane whose border holds the input's
// zero point, so every window is whole: sum (x - zx) w = sum x w - zx sum w, with the
// correction fixed per channel. int8 input is stored x + 128 with its zero point moved
// the same (the u8 form of the int8 GEMM). The AVX-512 path (x86/avx512/s8_dwconv__avx512.cc)
// takes 16 output pixels per step, one vpmaddwd per tap (stride 1 or 2); the scalar loop
// is the reference and the path of other CPUs. vigil.QConv (ops/q_conv.cc) calls it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/requantize.h"

namespace vigil::kernels {

struct S8DepthwiseShape {
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;

  // The padded plane: the rows and columns the windows read.
  int64_t padded_h() const { return (out_h - 1) * stride_h + kernel_h; }
  int64_t padded_w() const { return (out_w - 1) * stride_w + kernel_w; }
};

// One channel's filter and output parameters.
struct S8DepthwiseChannel {
  const int8_t* weights = nullptr;  // kernel_h x kernel_w
  int32_t bias = 0;
  FixedPointMultiplier multiplier;
  int32_t x_zero_point = 0;  // in the input's own type
  int32_t y_zero_point = 0, y_min = 0, y_max = 255;
};

// Bytes of scratch s8_dwconv_channel needs (the padded plane and vector slack).
size_t s8_dwconv_scratch_bytes(const S8DepthwiseShape& shape);

// y (out_h x out_w bytes, uint8 or int8 alike) from x (in_h x in_w bytes; int8 when
// `is_signed`).
void s8_dwconv_channel(const S8DepthwiseShape& shape, const uint8_t* x, bool is_signed,
                       const S8DepthwiseChannel& channel, uint8_t* y, uint8_t* scratch);

// The name of the path `isa` selects, e.g. "qs8_dwconv_requant__avx512".
const char* s8_dwconv_kernel_name();

}  // namespace vigil::kernels

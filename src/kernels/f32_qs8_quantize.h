// SPDX-License-Identifier: Apache-2.0
// Quantizing float32 values to bytes, per tensor, as ONNX's QuantizeLinear defines it:
//   y = saturate(round_half_even(x / scale) + zero_point)
// with the division in float32, into uint8 or int8 (stored as its bytes). QuantizeLinear
// takes it for per-tensor scales; in a QDQ model that is the graph input's quantization.
#pragma once

#include <cstdint>

#include "kernels/kernel_registry.h"

namespace vigil::kernels {

// The vector loops; each returns the count of elements it did, the scalar loops the rest.
struct F32QS8QuantizeKernel {
  const char* name;
  CpuFeatures needs;
  int64_t (*quantize)(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed, uint8_t* y);
  int64_t (*finite_range)(int64_t count, const float* x, float& low, float& high, bool& finite);
};
// f32_qs8_quantize__scalar (no vector loop: the scalar loops do it all), f32_qs8_quantize__avx512.
const KernelRegistry<F32QS8QuantizeKernel>& f32_qs8_quantize_kernels();

// The least and greatest of x[0, count) into low and high (left as they are for count 0);
// false if a value is not finite (the range is then meaningless). DynamicQuantizeLinear's
// range.
bool f32_finite_range(int64_t count, const float* x, float& low, float& high);

// y[i] for i < count; NaN gives the type's lowest value, as the reference does.
void f32_qs8_quantize(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed, uint8_t* y);

}  // namespace vigil::kernels

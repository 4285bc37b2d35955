// Quantizing float32 values to bytes, per tensor, as ONNX's QuantizeLinear defines it:
//   y = saturate(round_half_even(x / scale) + zero_point)
// with the division in float32, into uint8 or int8 (stored as its bytes). QuantizeLinear
// takes it for per-tensor scales; in a QDQ model that is the graph input's quantization.
#pragma once

#include <cstdint>

namespace vigil::kernels {

// The least and greatest of x[0, count) into low and high (left as they are for count 0);
// false if a value is not finite (the range is then meaningless). DynamicQuantizeLinear's
// range.
bool f32_finite_range(int64_t count, const float* x, float& low, float& high);

// y[i] for i < count; NaN gives the type's lowest value, as the reference does.
void f32_quantize(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed, uint8_t* y);

}  // namespace vigil::kernels

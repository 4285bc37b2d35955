// SPDX-License-Identifier: Apache-2.0
// The per-tensor quantization and range of kernels/f32_qs8_quantize.h: the scalar loops (the
// reference and the vector loops' tails) and the registry of the vector loops
// (kernels/x86/avx512/f32_qs8_quantize__avx512.cc).
#include "kernels/f32_qs8_quantize.h"

#include <algorithm>
#include <cmath>

namespace vigil::kernels {

// The vector loop: the count of elements it did (a multiple of 16).
int64_t f32_qs8_quantize__avx512(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed,
                                 uint8_t* y);

// The vector loop of the range: the count of elements it did (a multiple of 16).
int64_t f32_finite_range__avx512(int64_t count, const float* x, float& low, float& high, bool& finite);

namespace {

int64_t none_quantized(int64_t, const float*, float, int32_t, bool, uint8_t*) { return 0; }
int64_t none_ranged(int64_t, const float*, float&, float&, bool&) { return 0; }

constexpr F32QS8QuantizeKernel kScalar{"f32_qs8_quantize__scalar", CpuFeatures{}, none_quantized, none_ranged};
constexpr F32QS8QuantizeKernel kAvx512{"f32_qs8_quantize__avx512", kAvx512Features, f32_qs8_quantize__avx512,
                                       f32_finite_range__avx512};
constexpr const F32QS8QuantizeKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<F32QS8QuantizeKernel>& f32_qs8_quantize_kernels() {
  static const KernelRegistry<F32QS8QuantizeKernel> registry("f32_qs8_quantize", kKernels);
  return registry;
}

bool f32_finite_range(int64_t count, const float* x, float& low, float& high) {
  bool finite = true;
  const int64_t done = f32_qs8_quantize_kernels().active().finite_range(count, x, low, high, finite);
  for (int64_t i = done; i < count; ++i) {
    low = std::min(low, x[i]);
    high = std::max(high, x[i]);
    finite = finite && std::isfinite(x[i]);
  }
  return finite;
}

void f32_qs8_quantize(int64_t count, const float* x, float scale, int32_t zero_point, bool is_signed, uint8_t* y) {
  const int64_t done = f32_qs8_quantize_kernels().active().quantize(count, x, scale, zero_point, is_signed, y);
  const double low = is_signed ? -128.0 : 0.0, high = is_signed ? 127.0 : 255.0;
  for (int64_t i = done; i < count; ++i) {
    const float quotient = x[i] / scale;  // float32 division, as ONNX specifies
    const double value = std::nearbyint(static_cast<double>(quotient)) + zero_point;
    const double clamped = !(value > low) ? low : (value > high ? high : value);
    y[i] = static_cast<uint8_t>(static_cast<int32_t>(clamped));
  }
}

}  // namespace vigil::kernels

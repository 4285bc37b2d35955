// SPDX-License-Identifier: Apache-2.0
// The int8 Add of kernels/qs8_add.h: the parameters, the scalar element loop (the
// reference), and the AVX-512 loop when the active path has it
// (kernels/x86/avx512/qs8_add__avx512.cc).
#include "kernels/qs8_add.h"

#include <algorithm>
#include <cmath>

#include "kernels/requantize.h"

namespace vigil::kernels {

QS8AddParameters QS8AddParameters::make(float a_scale, int32_t a_zero_point, float b_scale, int32_t b_zero_point,
                                        float y_scale, int32_t y_zero_point, int32_t y_min, int32_t y_max,
                                        bool is_signed) {
  const double a_real = static_cast<double>(a_scale / y_scale), b_real = static_cast<double>(b_scale / y_scale);
  const FixedPointMultiplier larger = fixed_point_multiplier(std::max(a_real, b_real));
  const double grid = std::ldexp(1.0, 31 + larger.shift);
  QS8AddParameters p;
  p.a_zero_point = a_zero_point;
  p.b_zero_point = b_zero_point;
  p.a_mantissa = a_real >= b_real ? larger.mantissa : std::llround(a_real * grid);
  p.b_mantissa = a_real >= b_real ? std::llround(b_real * grid) : larger.mantissa;
  p.shift = larger.shift;
  p.y_zero_point = y_zero_point;
  p.y_min = y_min;
  p.y_max = y_max;
  p.is_signed = is_signed;
  // The 16-bit split of both mantissas (kernels/qs8_add.h).
  auto low_half = [](int64_t mantissa) { return ((mantissa & 0xFFFF) ^ 0x8000) - 0x8000; };
  const int64_t a_low = low_half(p.a_mantissa), b_low = low_half(p.b_mantissa);
  const int64_t a_high = (p.a_mantissa - a_low) >> 16, b_high = (p.b_mantissa - b_low) >> 16;
  p.split_shift = 15 + p.shift;
  p.split = a_high <= INT16_MAX && b_high <= INT16_MAX && p.split_shift >= 1 && p.split_shift <= 30;
  auto pair = [](int64_t a, int64_t b) {
    return static_cast<int32_t>((static_cast<uint32_t>(a) & 0xFFFFu) | (static_cast<uint32_t>(b) << 16));
  };
  p.high_pair = pair(a_high, b_high);
  p.low_pair = pair(a_low, b_low);
  return p;
}

// The vector loop over a block of rows, tails masked (AVX-512), for split parameters.
void qs8_add_rows__avx512(const QS8AddParameters& p, int64_t rows, int64_t count, const uint8_t* a, int64_t a_ld,
                          const uint8_t* b, int64_t b_ld, uint8_t* y, int64_t y_ld);

namespace {

constexpr QS8AddKernel kScalar{"qs8_add__scalar", CpuFeatures{}, nullptr};
constexpr QS8AddKernel kAvx512{"qs8_add__avx512", kAvx512Features, qs8_add_rows__avx512};
constexpr const QS8AddKernel* kKernels[] = {&kScalar, &kAvx512};

}  // namespace

const KernelRegistry<QS8AddKernel>& qs8_add_kernels() {
  static const KernelRegistry<QS8AddKernel> registry("qs8_add", kKernels);
  return registry;
}

void qs8_add_rows(const QS8AddParameters& p, int64_t rows, int64_t count, const uint8_t* a, int64_t a_ld,
                  const uint8_t* b, int64_t b_ld, uint8_t* y, int64_t y_ld) {
  const QS8AddKernel& kernel = qs8_add_kernels().active();
  if (p.split && kernel.split_rows) return kernel.split_rows(p, rows, count, a, a_ld, b, b_ld, y, y_ld);
  auto value = [&](uint8_t byte) { return p.is_signed ? int32_t{static_cast<int8_t>(byte)} : int32_t{byte}; };
  for (int64_t r = 0; r < rows; ++r, a += a_ld, b += b_ld, y += y_ld) {
    for (int64_t i = 0; i < count; ++i) {
      const int64_t sum = (value(a[i]) - p.a_zero_point) * p.a_mantissa + (value(b[i]) - p.b_zero_point) * p.b_mantissa;
      const int64_t q = round_shift_half_even(sum, 31 + p.shift) + p.y_zero_point;
      y[i] = static_cast<uint8_t>(std::clamp<int64_t>(q, p.y_min, p.y_max));
    }
  }
}

void qs8_add(const QS8AddParameters& p, int64_t count, const uint8_t* a, const uint8_t* b, uint8_t* y) {
  qs8_add_rows(p, 1, count, a, count, b, count, y, count);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// Building fixed-point multipliers (kernels/requantize.h) from the real scale ratios an
// operator computes once at session creation.
#include "kernels/requantize.h"

#include <cmath>

#include "core/error.h"

namespace vigil::kernels {

FixedPointMultiplier fixed_point_multiplier(double real) {
  check_input(std::isfinite(real) && real > 0.0 && real < 0x1p30, "requantization multiplier ", real,
              " is outside (0, 2^30)");
  if (real < 0x1p-32) return {0, 31};
  int exponent = 0;
  const double fraction = std::frexp(real, &exponent);  // real = fraction x 2^exponent, fraction in [0.5, 1)
  int64_t mantissa = std::llround(fraction * 0x1p31);
  if (mantissa == (int64_t{1} << 31)) {  // rounded up to the next power of two
    mantissa /= 2;
    ++exponent;
  }
  // A real just below 2^-32 may round up to 2^-32 (shift 31): still in range; one just
  // below 2^30 may round up to 2^30, which no shift of at least 1 holds.
  check_input(exponent <= 30, "requantization multiplier ", real, " is outside (0, 2^30)");
  return {static_cast<int32_t>(mantissa), -exponent};
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// Sample sizes and intervals; the normal quantile by bisection on erfc, exact to double
// precision and needing nothing beyond <cmath>.
#include "faults/campaign_statistics.h"

#include <cmath>

namespace vigil::faults {

double normal_quantile(double confidence) {
  // Find t with P(|Z| > t) = 1 - confidence, i.e. erfc(t / sqrt 2) = 1 - confidence.
  const double tail = 1 - confidence;
  double low = 0, high = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (low + high) / 2;
    (std::erfc(mid / std::sqrt(2.0)) > tail ? low : high) = mid;
  }
  return (low + high) / 2;
}

double leveugle_sample_size(double margin, double confidence, double population) {
  const double t = normal_quantile(confidence);
  const double unbounded = t * t * 0.25 / (margin * margin);
  if (population <= 0) return unbounded;
  return population / (1 + (population - 1) / unbounded);
}

int64_t injections_for(double margin, double confidence, double population) {
  return static_cast<int64_t>(std::ceil(leveugle_sample_size(margin, confidence, population) - 1e-9));
}

double leveugle_margin(double injections, double confidence, double population) {
  const double t = normal_quantile(confidence);
  // Solve n = N / (1 + e^2 (N - 1) / (t^2 / 4)) for e; unbounded: e = t / (2 sqrt n).
  if (population <= 0) return t / (2 * std::sqrt(injections));
  if (injections >= population) return 0;
  return t / 2 * std::sqrt((population / injections - 1) / (population - 1));
}

Interval wilson_interval(int64_t hits, int64_t trials, double confidence) {
  if (trials <= 0) return {0, 1};
  const double z = normal_quantile(confidence);
  const double n = static_cast<double>(trials), p = static_cast<double>(hits) / n;
  const double z2n = z * z / n;
  const double centre = (p + z2n / 2) / (1 + z2n);
  const double half = z / (1 + z2n) * std::sqrt(p * (1 - p) / n + z2n / (4 * n));
  return {std::fmax(0.0, centre - half), std::fmin(1.0, centre + half)};
}

}  // namespace vigil::faults

// SPDX-License-Identifier: Apache-2.0
// The four calibration methods.
#include "quant/calibration_methods.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vigil::quant {

namespace {

constexpr int kMseSteps = 128;

std::vector<double> folded(const TensorStatistics& statistics) {
  std::vector<double> sum = statistics.positive();
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += statistics.negative()[i];
  return sum;
}

// The smallest edge k * width with at most `budget` values beyond it.
double tail_threshold(const std::vector<double>& histogram, double width, double budget) {
  double beyond = 0;
  size_t k = histogram.size();
  while (k > 0 && beyond + histogram[k - 1] <= budget) beyond += histogram[--k];
  return static_cast<double>(k) * width;
}

// Adds eps to empty bins and takes it from the others, as TensorRT's calibrator does so
// that the divergence stays finite; false if every bin is empty.
bool smooth(std::vector<double>& histogram) {
  constexpr double kEps = 1e-4;
  const auto zeros = static_cast<double>(std::count(histogram.begin(), histogram.end(), 0.0));
  const double nonzeros = static_cast<double>(histogram.size()) - zeros;
  if (nonzeros == 0) return false;
  const double taken = kEps * zeros / nonzeros;
  for (double& h : histogram) h += h == 0 ? kEps : -taken;
  return true;
}

// KL(p || q) of two histograms after normalising each to sum one.
double kl_divergence(const std::vector<double>& p, const std::vector<double>& q) {
  const double p_sum = std::accumulate(p.begin(), p.end(), 0.0), q_sum = std::accumulate(q.begin(), q.end(), 0.0);
  double divergence = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    if (q[i] <= 0) return std::numeric_limits<double>::infinity();
    divergence += p[i] / p_sum * std::log((p[i] / p_sum) / (q[i] / q_sum));
  }
  return divergence;
}

double histogram_mse(const TensorStatistics& statistics, const ScaleZeroPoint& p, const IntegerRange& q) {
  const double width = statistics.bin_width();
  double error = 0;
  for (size_t j = 0; j < statistics.positive().size(); ++j) {
    const float centre = static_cast<float>((static_cast<double>(j) + 0.5) * width);
    for (float x : {centre, -centre}) {
      const double count = (x < 0 ? statistics.negative() : statistics.positive())[j];
      if (count == 0) continue;
      const double e = x - p.dequantize(p.quantize(x, q.min, q.max));
      error += count * e * e;
    }
  }
  return error;
}

}  // namespace

CalibrationMethod parse_calibration_method(const std::string& name) {
  for (CalibrationMethod method :
       {CalibrationMethod::MinMax, CalibrationMethod::Percentile, CalibrationMethod::Mse, CalibrationMethod::Entropy}) {
    if (name == calibration_method_name(method)) return method;
  }
  fail_bad_input("--method: unknown calibration method '", name, "' (minmax, percentile, mse or entropy)");
}

const char* calibration_method_name(CalibrationMethod method) {
  switch (method) {
    case CalibrationMethod::MinMax: return "minmax";
    case CalibrationMethod::Percentile: return "percentile";
    case CalibrationMethod::Mse: return "mse";
    case CalibrationMethod::Entropy: return "entropy";
  }
  return "";
}

Range percentile_range(const TensorStatistics& statistics, double percentile, bool symmetric) {
  const double budget = (1 - percentile / 100) * static_cast<double>(statistics.count());
  const double width = statistics.bin_width();
  if (symmetric) {
    const auto t =
        static_cast<float>(std::min<double>(tail_threshold(folded(statistics), width, budget), statistics.abs_max()));
    return {-t, t};
  }
  const double hi = tail_threshold(statistics.positive(), width, budget);
  const double lo = 0.0 - tail_threshold(statistics.negative(), width, budget);  // +0, not -0, for an empty tail
  return {static_cast<float>(std::max<double>(lo, statistics.min())),
          static_cast<float>(std::min<double>(hi, statistics.max()))};
}

Range mse_range(const TensorStatistics& statistics, const ActivationScheme& scheme) {
  const IntegerRange q = integer_range(scheme);
  const float a = statistics.abs_max();
  const float lo = scheme.symmetric ? -a : std::min(0.0f, statistics.min());
  const float hi = scheme.symmetric ? a : std::max(0.0f, statistics.max());
  Range best{lo, hi};
  double best_error = std::numeric_limits<double>::infinity();
  for (int k = 1; k <= kMseSteps; ++k) {
    const float f = static_cast<float>(k) / kMseSteps;
    const Range candidate{lo * f, hi * f};
    const double error = histogram_mse(statistics, activation_parameters(candidate, scheme), q);
    if (error <= best_error) {  // ties go to the wider range
      best_error = error;
      best = candidate;
    }
  }
  return best;
}

size_t entropy_threshold_bins(const std::vector<double>& counts, size_t levels) {
  const size_t bins = counts.size();
  if (bins <= levels) return bins;
  // The exact zeros a ReLU makes pile up in bin 0; left as they are, the cost of merging
  // that spike with its neighbours decides the threshold (it jumps wherever i / levels
  // does). NVIDIA's calibrator levels the spike to its neighbour the same way.
  std::vector<double> histogram = counts;
  histogram[0] = histogram[1];
  size_t best = bins;
  double best_divergence = std::numeric_limits<double>::infinity();
  for (size_t i = levels; i <= bins; ++i) {
    std::vector<double> p(histogram.begin(), histogram.begin() + static_cast<std::ptrdiff_t>(i));
    p[i - 1] += std::accumulate(histogram.begin() + static_cast<std::ptrdiff_t>(i), histogram.end(), 0.0);
    // The candidate quantization: the first i bins merged in groups of i / levels (the
    // last group takes the remainder), each group's count spread over its non-empty bins.
    const size_t merged = i / levels;
    std::vector<double> q(i, 0.0);
    for (size_t j = 0; j < levels; ++j) {
      const size_t start = j * merged, stop = j + 1 == levels ? i : start + merged;
      double total = 0, nonempty = 0;
      for (size_t b = start; b < stop; ++b) {
        total += histogram[b];
        nonempty += p[b] != 0;
      }
      for (size_t b = start; b < stop; ++b) q[b] = p[b] != 0 ? total / nonempty : 0;
    }
    if (!smooth(p) || !smooth(q)) continue;
    const double divergence = kl_divergence(p, q);
    if (divergence < best_divergence) {
      best_divergence = divergence;
      best = i;
    }
  }
  return best;
}

Range entropy_range(const TensorStatistics& statistics, bool symmetric) {
  const double width = statistics.bin_width();
  const auto has_values = [](const std::vector<double>& h) {
    return std::any_of(h.begin(), h.end(), [](double c) { return c > 0; });
  };
  if (symmetric) {
    const double t = static_cast<double>(entropy_threshold_bins(folded(statistics), 128)) * width;
    const auto clipped = static_cast<float>(std::min<double>(t, statistics.abs_max()));
    return {-clipped, clipped};
  }
  // One sign only: its tail gets all 256 levels; two tails share them.
  const bool both = has_values(statistics.positive()) && has_values(statistics.negative());
  const size_t levels = both ? 128 : 256;
  Range range{0, 0};
  if (has_values(statistics.positive())) {
    const double hi = static_cast<double>(entropy_threshold_bins(statistics.positive(), levels)) * width;
    range.hi = static_cast<float>(std::min<double>(hi, statistics.max()));
  }
  if (has_values(statistics.negative())) {
    const double lo = -static_cast<double>(entropy_threshold_bins(statistics.negative(), levels)) * width;
    range.lo = static_cast<float>(std::max<double>(lo, statistics.min()));
  }
  return range;
}

Range choose_range(const TensorStatistics& statistics, const CalibrationSettings& settings) {
  switch (settings.method) {
    case CalibrationMethod::MinMax:
      if (settings.scheme.symmetric) return {-statistics.abs_max(), statistics.abs_max()};
      return {statistics.min(), statistics.max()};
    case CalibrationMethod::Percentile:
      return percentile_range(statistics, settings.percentile, settings.scheme.symmetric);
    case CalibrationMethod::Mse: return mse_range(statistics, settings.scheme);
    case CalibrationMethod::Entropy: return entropy_range(statistics, settings.scheme.symmetric);
  }
  return {};
}

}  // namespace vigil::quant

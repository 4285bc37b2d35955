// SPDX-License-Identifier: Apache-2.0
// The calibration methods against ranges worked out by hand on small known data: minmax
// exact, percentile on one value per bin, mse and entropy below the maximum of a
// heavy-tailed (exponential) set, and TensorRT's threshold search on tiny histograms.
#include "quant/calibration_methods.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace vigil::quant {
namespace {

TensorStatistics statistics_of(const std::vector<float>& values, int bins = TensorStatistics::kDefaultBins) {
  TensorStatistics s;
  s.add_range(values.data(), static_cast<int64_t>(values.size()));
  s.start_histogram(bins);
  s.add_histogram(values.data(), static_cast<int64_t>(values.size()));
  return s;
}

// 0.5, 1.5, ..., 998.5 and 1000: with 1000 bins over [0, 1000], one value per bin.
std::vector<float> one_per_bin() {
  std::vector<float> values;
  for (int i = 0; i < 999; ++i) values.push_back(static_cast<float>(i) + 0.5f);
  values.push_back(1000.0f);
  return values;
}

// N samples of the unit exponential distribution at evenly spaced quantiles: a long tail.
std::vector<float> exponential(int n) {
  std::vector<float> values;
  for (int i = 0; i < n; ++i) values.push_back(static_cast<float>(-std::log(1 - (i + 0.5) / n)));
  return values;
}

TEST(CalibrationMethods, MinMaxIsExact) {
  const TensorStatistics s = statistics_of({-1.5f, 0.25f, 3.0f, NAN});
  const Range r = choose_range(s, CalibrationSettings{});
  EXPECT_EQ(r.lo, -1.5f);
  EXPECT_EQ(r.hi, 3.0f);
  EXPECT_EQ(s.count(), 3);
}

TEST(CalibrationMethods, HistogramSplitsTailsAtZero) {
  const TensorStatistics s = statistics_of({-2.0f, -0.5f, 0.0f, 0.5f, 1.0f}, 4);
  EXPECT_DOUBLE_EQ(s.bin_width(), 0.5);
  EXPECT_EQ(s.positive(), (std::vector<double>{1, 1, 1, 0}));  // 0 | 0.5 | 1.0
  EXPECT_EQ(s.negative(), (std::vector<double>{0, 1, 0, 1}));  // -0.5 | -2 in the last bin
}

TEST(CalibrationMethods, PercentileClipsEachTail) {
  const TensorStatistics s = statistics_of(one_per_bin(), 1000);
  // 99%: 10 of the 1000 values may lie beyond the range, those in bins 990..999.
  Range r = percentile_range(s, 99.0, false);
  EXPECT_FLOAT_EQ(r.hi, 990.0f);
  EXPECT_FLOAT_EQ(r.lo, 0.5f);  // no negative tail: the range starts at the minimum
  r = percentile_range(s, 100.0, false);
  EXPECT_FLOAT_EQ(r.hi, 1000.0f);

  // Mirrored: 2000 values, 20 may lie outside |x| <= t: the same edge, both signs.
  std::vector<float> mirrored = one_per_bin();
  for (float v : one_per_bin()) mirrored.push_back(-v);
  const TensorStatistics m = statistics_of(mirrored, 1000);
  r = percentile_range(m, 99.0, true);
  EXPECT_FLOAT_EQ(r.lo, -990.0f);
  EXPECT_FLOAT_EQ(r.hi, 990.0f);
  // Asymmetric: each tail gets its own budget of 20 values (1% of all 2000).
  r = percentile_range(m, 99.0, false);
  EXPECT_FLOAT_EQ(r.hi, 980.0f);
  EXPECT_FLOAT_EQ(r.lo, -980.0f);
}

TEST(CalibrationMethods, MseClipsAnExponentialTail) {
  // The unit exponential, N values: maximum ln(2N) = 12.2. Clipping at h costs N * 2e^-h
  // (the values beyond, squared), a uint8 grid over [0, h] costs N * (h / 255)^2 / 12 in
  // rounding; the sum is least where h e^h = 12 * 255^2, at h = 11.17.
  const TensorStatistics s = statistics_of(exponential(100000));
  const Range r = mse_range(s, ActivationScheme{});
  EXPECT_NEAR(s.max(), std::log(200000.0), 1e-3);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_NEAR(r.hi, 11.17f, 0.3f);
  EXPECT_LT(r.hi, s.max() - 0.5f);
  // Candidates are the maximum scaled by k / 128.
  const double k = r.hi / s.max() * 128;
  EXPECT_NEAR(k, std::round(k), 1e-3);
}

TEST(CalibrationMethods, MseKeepsTheWholeRangeOfUniformData) {
  std::vector<float> values;
  for (int i = 0; i <= 1000; ++i) values.push_back(static_cast<float>(i) / 1000);
  const Range r = mse_range(statistics_of(values), ActivationScheme{});
  EXPECT_GT(r.hi, 0.97f);
}

TEST(CalibrationMethods, EntropyThresholdOnTinyHistograms) {
  // Everything within the first 4 bins: 4 bins quantize it exactly (divergence 0).
  EXPECT_EQ(entropy_threshold_bins({5, 3, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 4), 4u);
  // Fewer bins than levels: nothing to clip.
  EXPECT_EQ(entropy_threshold_bins({1, 2, 3}, 4), 3u);
  // A uniform histogram is best kept whole: clipping piles the tail into the last bin.
  EXPECT_EQ(entropy_threshold_bins(std::vector<double>(64, 10.0), 8), 64u);
}

TEST(CalibrationMethods, EntropyClipsAHeavyTail) {
  const TensorStatistics s = statistics_of(exponential(100000));
  const Range r = entropy_range(s, false);
  EXPECT_EQ(r.lo, 0.0f);
  EXPECT_LT(r.hi, 0.9f * s.max());
  EXPECT_GT(r.hi, 3.0f);
  // The threshold is a bin edge.
  const double bins = r.hi / s.bin_width();
  EXPECT_NEAR(bins, std::round(bins), 1e-2);
  const Range symmetric = entropy_range(s, true);
  EXPECT_EQ(symmetric.lo, -symmetric.hi);
  EXPECT_LT(symmetric.hi, s.max());
}

TEST(CalibrationMethods, ParsesNames) {
  EXPECT_EQ(parse_calibration_method("entropy"), CalibrationMethod::Entropy);
  EXPECT_STREQ(calibration_method_name(CalibrationMethod::Mse), "mse");
  try {
    parse_calibration_method("kl");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("--method"), std::string::npos);
  }
}

}  // namespace
}  // namespace vigil::quant

// SPDX-License-Identifier: Apache-2.0
// Campaign statistics against published numbers: Leveugle's sample sizes (384 injections
// for 5% at 95%, 1,000 for 3.1% at 95%, about 16,590 for 1% at 99%, as nvbitfi and the
// DATE 2009 paper quote them), a finite population, and Wilson intervals.
#include "faults/campaign_statistics.h"

#include <gtest/gtest.h>

namespace vigil::faults {
namespace {

TEST(CampaignStatistics, NormalQuantiles) {
  EXPECT_NEAR(normal_quantile(0.95), 1.959964, 1e-6);
  EXPECT_NEAR(normal_quantile(0.99), 2.575829, 1e-6);
  EXPECT_NEAR(normal_quantile(0.6826895), 1.0, 1e-6);
}

TEST(CampaignStatistics, PublishedSampleSizes) {
  // 384 and 1,000 are the formula's 384.1 and 999.4 rounded; 16,590 is 16,589.4 with the
  // tabulated t = 2.576 (16,587.2 with the exact quantile).
  EXPECT_NEAR(leveugle_sample_size(0.05, 0.95), 384, 0.5);
  EXPECT_EQ(injections_for(0.031, 0.95), 1000);
  EXPECT_NEAR(leveugle_sample_size(0.01, 0.99), 16590, 3.5);
  // And backwards: the margins the published campaign sizes give.
  EXPECT_NEAR(leveugle_margin(384, 0.95), 0.05, 1e-4);
  EXPECT_NEAR(leveugle_margin(1000, 0.95), 0.031, 1e-4);
  EXPECT_NEAR(leveugle_margin(2000, 0.99), 0.0288, 1e-4);
}

TEST(CampaignStatistics, FinitePopulation) {
  // Krejcie and Morgan's table: a population of 1,000 needs 278 at 5% and 95%.
  EXPECT_EQ(injections_for(0.05, 0.95, 1000), 278);
  // Sampling everything leaves no margin; a tiny population needs nearly all of it.
  EXPECT_EQ(leveugle_margin(50, 0.95, 50), 0);
  EXPECT_EQ(injections_for(0.01, 0.99, 10), 10);
  const double n = leveugle_sample_size(0.02, 0.9, 5000);
  EXPECT_NEAR(leveugle_margin(n, 0.9, 5000), 0.02, 1e-9);
}

TEST(CampaignStatistics, WilsonIntervals) {
  Interval none = wilson_interval(0, 10, 0.95);
  EXPECT_EQ(none.low, 0);
  EXPECT_NEAR(none.high, 0.2775, 1e-4);
  Interval half = wilson_interval(5, 10, 0.95);
  EXPECT_NEAR(half.low, 0.2366, 1e-4);
  EXPECT_NEAR(half.high, 0.7634, 1e-4);
  Interval all = wilson_interval(20, 20, 0.99);
  EXPECT_EQ(all.high, 1);
  EXPECT_LT(all.low, 1);
  EXPECT_GT(all.low, 0.7);
  Interval empty = wilson_interval(0, 0, 0.95);
  EXPECT_EQ(empty.low, 0);
  EXPECT_EQ(empty.high, 1);
}

}  // namespace
}  // namespace vigil::faults

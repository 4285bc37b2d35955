// SPDX-License-Identifier: Apache-2.0
// The statistics of a fault-injection campaign: how many injections a margin of error
// and a confidence ask for (Leveugle et al., DATE 2009), and confidence intervals on the
// rates a campaign measures (Wilson's score interval, which stays inside [0, 1] and
// keeps its coverage for rates near 0, where most outcomes of a campaign lie).
#pragma once

#include <cstdint>

namespace vigil::faults {

// The two-sided standard normal quantile for a confidence in (0, 1): 1.95996 for 0.95.
double normal_quantile(double confidence);

// Leveugle's sample size n = N / (1 + e^2 (N - 1) / (t^2 p (1 - p))) for a population of
// N faults (0: unbounded, n = t^2 p (1 - p) / e^2), margin e and confidence, with the
// worst case p = 0.5. Real-valued: a campaign runs ceil(n) injections.
double leveugle_sample_size(double margin, double confidence, double population = 0);
int64_t injections_for(double margin, double confidence, double population = 0);

// The margin of error that n injections give at a confidence (the inverse, with p = 0.5).
double leveugle_margin(double injections, double confidence, double population = 0);

struct Interval {
  double low = 0, high = 0;
};
// Wilson's score interval for `hits` of `trials` at a confidence; [0, 1] for no trials.
Interval wilson_interval(int64_t hits, int64_t trials, double confidence);

}  // namespace vigil::faults

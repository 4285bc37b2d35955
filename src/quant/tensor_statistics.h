// SPDX-License-Identifier: Apache-2.0
// What calibration learns about one activation tensor: its exact minimum and maximum
// over every calibration sample and, for the clipping methods (calibration_methods.h), a
// histogram of its values. The histogram has one half per sign over [0, range], range
// being the largest |x| (known from a first pass over the data), so both tails share one
// bin width, zero sits on a bin edge, and folding the halves gives the histogram of |x|.
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

namespace vigil::quant {

class TensorStatistics {
 public:
  // Bins per sign: TensorRT's 2048 for the positive half of an entropy histogram.
  static constexpr int kDefaultBins = 2048;

  // First pass: the range. Non-finite values are ignored.
  void add_range(const float* values, int64_t count);
  bool has_range() const { return count_ > 0; }
  float min() const { return min_; }
  float max() const { return max_; }
  float abs_max() const;
  int64_t count() const { return count_; }

  // Second pass: the histogram over [-abs_max(), abs_max()], `bins` bins per sign. Values
  // beyond the range (none, when the range came from the same data) go to the last bin.
  void start_histogram(int bins = kDefaultBins);
  void add_histogram(const float* values, int64_t count);
  bool has_histogram() const { return !positive_.empty(); }
  double bin_width() const { return bin_width_; }
  // Bin i counts values in [i, i+1) * bin_width() (zero counts as positive), resp.
  // (-(i+1), -i] * bin_width() for the negative half.
  const std::vector<double>& positive() const { return positive_; }
  const std::vector<double>& negative() const { return negative_; }

 private:
  float min_ = std::numeric_limits<float>::infinity();
  float max_ = -std::numeric_limits<float>::infinity();
  int64_t count_ = 0;
  double bin_width_ = 0;
  std::vector<double> positive_, negative_;
};

}  // namespace vigil::quant

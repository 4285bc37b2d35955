// SPDX-License-Identifier: Apache-2.0
// Range and histogram accumulation.
#include "quant/tensor_statistics.h"

#include <algorithm>
#include <cmath>

namespace vigil::quant {

void TensorStatistics::add_range(const float* values, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    const float x = values[i];
    if (!std::isfinite(x)) continue;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
    ++count_;
  }
}

float TensorStatistics::abs_max() const { return has_range() ? std::max(-min_, max_) : 0.0f; }

void TensorStatistics::start_histogram(int bins) {
  positive_.assign(static_cast<size_t>(bins), 0.0);
  negative_.assign(static_cast<size_t>(bins), 0.0);
  // An all-zero tensor still gets a usable width; every value then lands in bin 0.
  bin_width_ = abs_max() > 0 ? static_cast<double>(abs_max()) / bins : 1.0;
}

void TensorStatistics::add_histogram(const float* values, int64_t count) {
  const int64_t last = static_cast<int64_t>(positive_.size()) - 1;
  for (int64_t i = 0; i < count; ++i) {
    const float x = values[i];
    if (!std::isfinite(x)) continue;
    const int64_t bin = std::min(last, static_cast<int64_t>(std::fabs(static_cast<double>(x)) / bin_width_));
    (x < 0 ? negative_ : positive_)[static_cast<size_t>(bin)] += 1;
  }
}

}  // namespace vigil::quant

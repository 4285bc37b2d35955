// SPDX-License-Identifier: Apache-2.0
// The progress bar: one carriage-returned line on stderr, at most one redraw per percent.
#include "core/progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/log.h"

namespace vigil {

ProgressBar::ProgressBar(std::string label, int64_t total)
    : label_(std::move(label)),
      total_(std::max<int64_t>(total, 1)),
      enabled_(isatty(STDERR_FILENO) && log_level() <= LogLevel::Warning) {}

ProgressBar::~ProgressBar() {
  if (enabled_ && drawn_ >= 0) std::fputc('\n', stderr);
}

void ProgressBar::update(int64_t done) {
  if (!enabled_) return;
  const int percent = static_cast<int>(100 * std::clamp<int64_t>(done, 0, total_) / total_);
  if (percent == drawn_) return;
  drawn_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0;
  const long left = rate > 0 ? std::lround(static_cast<double>(total_ - std::min(done, total_)) / rate) : 0;
  std::fprintf(stderr, "\rvigil: %s [%s%s] %3d%%  %.0f/s, %ld:%02ld left ", label_.c_str(),
               std::string(filled, '#').c_str(), std::string(kWidth - filled, ' ').c_str(), percent, rate, left / 60,
               left % 60);
  std::fflush(stderr);
}

}  // namespace vigil

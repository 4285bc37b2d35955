// SPDX-License-Identifier: Apache-2.0
// A progress bar for long work (calibration, campaigns, sweeps), with the rate of work and
// the time left: like log.h, one of the ways code below cli/ may speak to the terminal. It draws on stderr only when stderr is
// a terminal and the log level lets warnings through, so redirected output and scripts
// stay quiet.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vigil {

class ProgressBar {
 public:
  // `total` steps of work named `label` ("calibration: ranges").
  ProgressBar(std::string label, int64_t total);
  ~ProgressBar();  // ends the line if anything was drawn
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Marks `done` of the total steps as finished; redraws only when the bar changes.
  void update(int64_t done);

 private:
  std::string label_;
  int64_t total_;
  bool enabled_;
  int drawn_ = -1;  // the last percentage drawn
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The cache of measured machine peaks, so that `vigil profile` and every other user of
// the roofline pays the few seconds of measuring once per machine: a JSON file in the
// user's cache directory ($XDG_CACHE_HOME/vigil/machine_peaks.json, else
// ~/.cache/vigil/machine_peaks.json) holding one entry per CPU model and thread count.
// A home directory shared by machines of different CPUs keeps each one's figures. An
// unreadable, malformed or older-format file is measured over, never an error.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "perf/machine_peaks.h"

namespace vigil::perf {

// The figures as `vigil peaks --json` and the cache write them.
nlohmann::json machine_peaks_json(const MachinePeaks& peaks);

// The cache file's path; empty if neither XDG_CACHE_HOME nor HOME is set.
std::string peaks_cache_path();

struct FoundPeaks {
  MachinePeaks peaks;
  bool from_cache = false;  // false: measured now
  std::string cache_path;   // where they were read or written; empty if no cache
};

// Measures on `threads` threads (< 1: every CPU this process may use).
using PeaksMeasurer = std::function<MachinePeaks(int threads)>;

// The cached figures of this CPU model on `threads` threads unless `force`; otherwise
// measures them with `measure` and writes them into the cache (a warning if it cannot).
FoundPeaks find_machine_peaks(bool force, int threads, const PeaksMeasurer& measure = measure_machine_peaks);

}  // namespace vigil::perf

// SPDX-License-Identifier: Apache-2.0
// Reading and writing the peaks cache (peaks_cache.h) with nlohmann::json. The file is
// {"format": 2, "machines": [ {figures}, ... ]}; an entry matches on cpu_model and cores.
#include "perf/peaks_cache.h"

#include <cmath>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/cpu_features.h"
#include "core/file_io.h"
#include "core/log.h"
#include "core/thread_pool.h"

namespace vigil::perf {

namespace {

constexpr int kFormat = 2;  // 2: the bit-serial peak

nlohmann::json pair_json(const PeakPair& pair) { return {{"one_core", pair.one_core}, {"all_cores", pair.all_cores}}; }

PeakPair pair_from_json(const nlohmann::json& json) {
  return {json.at("one_core").get<double>(), json.at("all_cores").get<double>()};
}

MachinePeaks peaks_from_json(const nlohmann::json& json) {
  MachinePeaks peaks;
  peaks.cpu_model = json.at("cpu_model").get<std::string>();
  peaks.cores = json.at("cores").get<int>();
  peaks.clock_ghz = json.at("clock_ghz").get<double>();
  peaks.fp32_avx2 = pair_from_json(json.at("fp32_avx2_gflops"));
  peaks.fp32_avx512 = pair_from_json(json.at("fp32_avx512_gflops"));
  peaks.int8 = pair_from_json(json.at("int8_gops"));
  peaks.int8_loop = json.at("int8_loop").get<std::string>();
  peaks.bitserial = pair_from_json(json.at("bitserial_gops"));
  peaks.bitserial_loop = json.at("bitserial_loop").get<std::string>();
  peaks.read_gbs = pair_from_json(json.at("read_gbs"));
  peaks.triad_gbs = pair_from_json(json.at("triad_gbs"));
  return peaks;
}

// The file's machine entries; empty if it is missing, unreadable, malformed or of another format.
nlohmann::json cached_entries(const std::string& path) {
  std::ifstream file(path);
  if (!file) return nlohmann::json::array();
  const nlohmann::json document = nlohmann::json::parse(file, nullptr, /*allow_exceptions=*/false);
  if (!document.is_object() || document.value("format", 0) != kFormat || !document.contains("machines") ||
      !document["machines"].is_array()) {
    return nlohmann::json::array();
  }
  return document["machines"];
}

// Whether the figures could have been measured here: finite, none negative, and those
// this CPU measures (the clock, the bandwidths, the paths it runs) above zero. A zeroed or
// edited entry is measured over rather than trusted into a roofline of 0 GFLOP/s.
bool plausible(const MachinePeaks& p) {
  auto valid = [](double value, bool needed) { return std::isfinite(value) && value >= 0 && (!needed || value > 0); };
  auto valid_pair = [&](const PeakPair& pair, bool needed) {
    return valid(pair.one_core, needed) && valid(pair.all_cores, needed);
  };
  return p.cores >= 1 && valid(p.clock_ghz, true) && valid_pair(p.read_gbs, true) && valid_pair(p.triad_gbs, true) &&
         valid_pair(p.fp32_avx2, detected_isa() >= Isa::Avx2) &&
         valid_pair(p.fp32_avx512, detected_isa() >= Isa::Avx512) && valid_pair(p.int8, !p.int8_loop.empty()) &&
         valid_pair(p.bitserial, !p.bitserial_loop.empty());
}

bool same_machine(const nlohmann::json& entry, const std::string& cpu_model, int cores) {
  if (!entry.is_object()) return false;
  const auto model = entry.find("cpu_model"), count = entry.find("cores");
  return model != entry.end() && count != entry.end() && model->is_string() && count->is_number_integer() &&
         model->get<std::string>() == cpu_model && count->get<int>() == cores;
}

std::optional<MachinePeaks> find_entry(const nlohmann::json& entries, const std::string& cpu_model, int cores) {
  for (const nlohmann::json& entry : entries) {
    if (!same_machine(entry, cpu_model, cores)) continue;
    try {
      const MachinePeaks peaks = peaks_from_json(entry);
      return plausible(peaks) ? std::optional<MachinePeaks>(peaks) : std::nullopt;
    } catch (const nlohmann::json::exception&) {
      return std::nullopt;  // a damaged entry is measured over
    }
  }
  return std::nullopt;
}

void store_entry(const std::string& path, nlohmann::json entries, const MachinePeaks& peaks) {
  nlohmann::json kept = nlohmann::json::array();
  for (nlohmann::json& entry : entries) {
    if (!same_machine(entry, peaks.cpu_model, peaks.cores)) kept.push_back(std::move(entry));
  }
  kept.push_back(machine_peaks_json(peaks));
  try {
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    write_file_atomically(path, nlohmann::json{{"format", kFormat}, {"machines", kept}}.dump(2) + "\n");
  } catch (const std::exception& error) {
    log_warning("cannot write the machine peaks cache ", path, ": ", error.what(), " (the figures are used uncached)");
  }
}

}  // namespace

nlohmann::json machine_peaks_json(const MachinePeaks& peaks) {
  return {{"cpu_model", peaks.cpu_model},
          {"cores", peaks.cores},
          {"clock_ghz", peaks.clock_ghz},
          {"fp32_avx2_gflops", pair_json(peaks.fp32_avx2)},
          {"fp32_avx512_gflops", pair_json(peaks.fp32_avx512)},
          {"int8_gops", pair_json(peaks.int8)},
          {"int8_loop", peaks.int8_loop},
          {"bitserial_gops", pair_json(peaks.bitserial)},
          {"bitserial_loop", peaks.bitserial_loop},
          {"read_gbs", pair_json(peaks.read_gbs)},
          {"triad_gbs", pair_json(peaks.triad_gbs)}};
}

std::string peaks_cache_path() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg != nullptr && *xdg != '\0') return std::string(xdg) + "/vigil/machine_peaks.json";
  const char* home = std::getenv("HOME");
  if (home != nullptr && *home != '\0') return std::string(home) + "/.cache/vigil/machine_peaks.json";
  return "";
}

FoundPeaks find_machine_peaks(bool force, int threads, const PeaksMeasurer& measure) {
  FoundPeaks found;
  found.cache_path = peaks_cache_path();
  const int cores = threads >= 1 ? threads : available_cpus();
  const nlohmann::json entries = found.cache_path.empty() ? nlohmann::json::array() : cached_entries(found.cache_path);
  if (!force) {
    if (std::optional<MachinePeaks> cached = find_entry(entries, cpu_model_name(), cores)) {
      found.peaks = *cached;
      found.from_cache = true;
      return found;
    }
  }
  found.peaks = measure(cores);
  if (!found.cache_path.empty()) store_entry(found.cache_path, entries, found.peaks);
  return found;
}

}  // namespace vigil::perf

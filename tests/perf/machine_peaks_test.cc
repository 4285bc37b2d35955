// SPDX-License-Identifier: Apache-2.0
// The machine's roofline: figures on N threads interpolate between one core and all
// cores, the theory follows the measured clock and the int8 loop, every measurement gives
// a sane positive figure and refuses bad requests, and the cache returns what it stored,
// keeps other machines' entries and survives a damaged or unwritable file.
#include "perf/machine_peaks.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/cpu_features.h"
#include "core/error.h"
#include "perf/clock_speed.h"
#include "perf/int8_peak.h"
#include "perf/memory_bandwidth.h"
#include "perf/peaks_cache.h"

namespace vigil::perf {
namespace {

MachinePeaks four_core_peaks() {
  MachinePeaks peaks;
  peaks.cpu_model = cpu_model_name();
  peaks.cores = 4;
  peaks.clock_ghz = 3.0;
  peaks.fp32_avx2 = {90.0, 360.0};
  peaks.fp32_avx512 = {180.0, 690.0};
  peaks.int8 = {170.0, 680.0};
  peaks.int8_loop = "s8_dot_peak__avx2";
  peaks.bitserial = {700.0, 2600.0};
  peaks.bitserial_loop = "bitserial_peak__avx2";
  peaks.read_gbs = {30.0, 60.0};
  peaks.triad_gbs = {20.0, 50.0};
  return peaks;
}

TEST(MachinePeaks, InterpolatesBetweenOneCoreAndAllCores) {
  const MachinePeaks peaks = four_core_peaks();
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(1), 180.0);  // the better path, AVX-512
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(4), 690.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(8), 690.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_gflops(2), 180.0 + (690.0 - 180.0) / 3.0);
  EXPECT_DOUBLE_EQ(peaks.int8_gops(3), 170.0 + 2.0 * (680.0 - 170.0) / 3.0);
  EXPECT_DOUBLE_EQ(peaks.bitserial_gops(4), 2600.0);
  EXPECT_DOUBLE_EQ(peaks.memory_gbs(1), 20.0);  // the triad, not the read sum
  EXPECT_DOUBLE_EQ(peaks.memory_gbs(4), 50.0);
  EXPECT_DOUBLE_EQ(peaks.fp32_ridge(1), 9.0);
  EXPECT_DOUBLE_EQ(peaks.int8_ridge(4), 680.0 / 50.0);
}

TEST(MachinePeaks, TheoryFollowsTheClockAndThePathsMeasured) {
  MachinePeaks peaks = four_core_peaks();
  TheoreticalPeaks theory = theoretical_peaks(peaks);
  EXPECT_DOUBLE_EQ(theory.fp32_avx2_gflops, 96.0);
  EXPECT_DOUBLE_EQ(theory.fp32_avx512_gflops, 192.0);
  EXPECT_DOUBLE_EQ(theory.int8_gops, 192.0);
  peaks.int8_loop = "s8_dot_peak__avx512vnni";
  peaks.fp32_avx512 = {};
  theory = theoretical_peaks(peaks);
  EXPECT_DOUBLE_EQ(theory.int8_gops, 768.0);
  peaks.int8_loop = "s8_dot_peak__avxvnni";
  EXPECT_DOUBLE_EQ(theoretical_peaks(peaks).int8_gops, 384.0);
  EXPECT_DOUBLE_EQ(theory.fp32_avx512_gflops, 0.0) << "no theory for a path the CPU lacks";
}

TEST(MachinePeaks, ClockIsThatOfARealCore) {
  const double ghz = measure_clock_ghz();
  EXPECT_GT(ghz, 0.3);
  EXPECT_LT(ghz, 8.0);
}

TEST(MachinePeaks, Int8PeakIsPositiveOnOneAndTwoThreads) {
  if (int8_peak_loop() == nullptr) GTEST_SKIP() << "this CPU has no int8 vector path";
  for (const int threads : {1, 2}) {
    const Int8Peak peak = measure_int8_peak(threads, 0.002, 1);
    EXPECT_STREQ(peak.loop, int8_peak_loop()->name);
    EXPECT_GE(peak.threads, 1);
    EXPECT_GT(peak.gops, 1.0);
  }
  EXPECT_THROW(measure_int8_peak(0), Error);
}

TEST(MachinePeaks, BandwidthIsPositiveAndRefusesBadRequests) {
  const int64_t requested = 8 << 20;
  const MemoryBandwidth bandwidth = measure_memory_bandwidth(1, requested, 1);
  EXPECT_EQ(bandwidth.threads, 1);
  EXPECT_LE(bandwidth.buffer_bytes, requested);
  EXPECT_GT(bandwidth.buffer_bytes, requested - 64);
  EXPECT_GT(bandwidth.read_gbs, 0.1);
  EXPECT_GT(bandwidth.triad_gbs, 0.1);
  EXPECT_THROW(measure_memory_bandwidth(0, requested, 1), Error);
  EXPECT_THROW(measure_memory_bandwidth(1, 1024, 1), Error);
  EXPECT_THROW(measure_memory_bandwidth(1, requested, 0), Error);
  EXPECT_GE(default_bandwidth_buffer_bytes(), int64_t{32} << 20);
}

// Points XDG_CACHE_HOME at a fresh folder for one test and puts it back after.
class PeaksCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() /
              ("vigil_peaks_cache_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    if (const char* old = getenv("XDG_CACHE_HOME")) saved_ = old;
    setenv("XDG_CACHE_HOME", folder_.c_str(), 1);
  }
  void TearDown() override {
    if (saved_.empty()) {
      unsetenv("XDG_CACHE_HOME");
    } else {
      setenv("XDG_CACHE_HOME", saved_.c_str(), 1);
    }
    std::filesystem::remove_all(folder_);
  }

  // A measurer that counts its calls and gives four_core_peaks() with the requested cores.
  PeaksMeasurer counting_measurer() {
    return [this](int threads) {
      ++measured_;
      MachinePeaks peaks = four_core_peaks();
      peaks.cores = threads;
      return peaks;
    };
  }

  std::filesystem::path folder_;
  std::string saved_;
  int measured_ = 0;
};

TEST_F(PeaksCacheTest, MeasuresOnceThenReadsTheCache) {
  const FoundPeaks first = find_machine_peaks(false, 4, counting_measurer());
  EXPECT_FALSE(first.from_cache);
  EXPECT_EQ(first.cache_path, (folder_ / "vigil" / "machine_peaks.json").string());
  EXPECT_TRUE(std::filesystem::exists(first.cache_path));
  const FoundPeaks second = find_machine_peaks(false, 4, counting_measurer());
  EXPECT_TRUE(second.from_cache);
  EXPECT_EQ(measured_, 1);
  EXPECT_EQ(machine_peaks_json(second.peaks), machine_peaks_json(first.peaks));
  EXPECT_FALSE(find_machine_peaks(true, 4, counting_measurer()).from_cache) << "--force measures again";
  EXPECT_EQ(measured_, 2);
}

TEST_F(PeaksCacheTest, KeepsOneEntryPerThreadCount) {
  find_machine_peaks(false, 4, counting_measurer());
  find_machine_peaks(false, 2, counting_measurer());
  EXPECT_EQ(measured_, 2);
  EXPECT_EQ(find_machine_peaks(false, 4, counting_measurer()).peaks.cores, 4);
  EXPECT_EQ(find_machine_peaks(false, 2, counting_measurer()).peaks.cores, 2);
  EXPECT_EQ(measured_, 2);
}

TEST_F(PeaksCacheTest, MeasuresOverADamagedFile) {
  std::filesystem::create_directories(folder_ / "vigil");
  const std::string this_machine = R"("cpu_model": ")" + cpu_model_name() + R"(", "cores": 4)";
  const std::vector<std::string> damaged_files = {
      "{not json", "[]", R"({"format": 2, "machines": [{"cpu_model": 3}]})",
      R"({"format": 2, "machines": [{)" + this_machine + R"(, "clock_ghz": "fast"}]})",
      R"({"format": 999, "machines": [{)" + this_machine + "}]}",
      // Complete but zeroed: trusted, it would give a roofline of 0 GFLOP/s.
      R"({"format": 2, "machines": [{)" + this_machine +
          R"(, "clock_ghz": 0, "fp32_avx2_gflops": {"one_core": 0, "all_cores": 0},
          "fp32_avx512_gflops": {"one_core": 0, "all_cores": 0}, "int8_gops": {"one_core": 0, "all_cores": 0},
          "int8_loop": "s8_dot_peak__avx2", "bitserial_gops": {"one_core": 0, "all_cores": 0},
          "bitserial_loop": "bitserial_peak__avx2", "read_gbs": {"one_core": 0, "all_cores": 0},
          "triad_gbs": {"one_core": 0, "all_cores": 0}}]})"};
  for (const std::string& damaged : damaged_files) {
    std::ofstream(folder_ / "vigil" / "machine_peaks.json") << damaged;
    const int before = measured_;
    EXPECT_FALSE(find_machine_peaks(false, 4, counting_measurer()).from_cache) << damaged;
    EXPECT_EQ(measured_, before + 1);
    EXPECT_TRUE(find_machine_peaks(false, 4, counting_measurer()).from_cache) << "rewritten after " << damaged;
  }
}

TEST_F(PeaksCacheTest, AnUnwritableCacheIsNotAnError) {
  std::ofstream(folder_ / "vigil") << "a file where the folder should be";
  const FoundPeaks found = find_machine_peaks(false, 4, counting_measurer());
  EXPECT_FALSE(found.from_cache);
  EXPECT_DOUBLE_EQ(found.peaks.fp32_avx2.one_core, 90.0);
}

}  // namespace
}  // namespace vigil::perf

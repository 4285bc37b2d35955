// SPDX-License-Identifier: Apache-2.0
// Design-space exploration: the Pareto filter on hand-made costs (ties and duplicates
// included), reading sweep specs and rejecting bad fields by name, the area proxy, and a
// real sweep of Eyeriss on AlexNet whose front dominates every other point and which
// gives the same answer on any number of threads.
#include "accel/design_space.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "accel/pareto.h"
#include "core/error.h"

namespace vigil::accel {
namespace {

const std::string kSpecs = VIGIL_SOURCE_DIR "/src/accel/specs/";

TEST(AccelPareto, KeepsExactlyTheNonDominatedDesigns) {
  const std::vector<std::vector<double>> costs = {
      {1, 5, 1},    // 0: front (best first cost)
      {2, 2, 2},    // 1: front
      {3, 3, 3},    // 2: dominated by 1
      {2, 2, 2},    // 3: duplicate of 1: neither dominates the other, both kept
      {5, 1, 9},    // 4: front (best second cost)
      {5, 1, 9.5},  // 5: dominated by 4 (tie in two costs, worse in the third)
      {9, 9, 0.5},  // 6: front (best third cost)
      {1, 5, 2},    // 7: dominated by 0 (ties in two)
  };
  EXPECT_EQ(pareto_front(costs), (std::vector<size_t>{0, 1, 3, 4, 6}));
  EXPECT_TRUE(dominates(costs[1], costs[2]));
  EXPECT_FALSE(dominates(costs[1], costs[3]));
  EXPECT_FALSE(dominates(costs[0], costs[1]));
  EXPECT_TRUE(pareto_front({}).empty());
  EXPECT_EQ(pareto_front({{4, 4}}), (std::vector<size_t>{0}));
  // A chain: only its head survives, whatever the input order.
  EXPECT_EQ(pareto_front({{3, 3}, {1, 1}, {2, 2}}), (std::vector<size_t>{1}));
}

SweepSpec sweep_from(const std::string& text) { return parse_sweep_spec(text, kSpecs + "test_sweep.yaml"); }

std::string error_of(const std::string& text) {
  try {
    sweep_from(text);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::BadInput);
    return error.what();
  }
  return "no error";
}

TEST(AccelDseSweepSpec, ReadsListsRangesAndAreaConstants) {
  const SweepSpec sweep = sweep_from(
      "arch: eyeriss.yaml\n"
      "parameters:\n"
      "  pe_array.cols: [8, 14]\n"
      "  memory.glb.size_bytes: {from: 1024, to: 8192, factor: 2}\n"
      "  dram.bandwidth_gb_per_s: {from: 0.5, to: 1.5, step: 0.5}\n"
      "area: {mac_mm2: 0.1}\n");
  EXPECT_EQ(sweep.base.name, "eyeriss");
  ASSERT_EQ(sweep.parameters.size(), 3u);
  EXPECT_EQ(sweep.parameters[0].name, "pe_array.cols");
  EXPECT_EQ(sweep.parameters[1].values, (std::vector<double>{1024, 2048, 4096, 8192}));
  EXPECT_EQ(sweep.parameters[1].level, 3);
  EXPECT_EQ(sweep.parameters[2].values, (std::vector<double>{0.5, 1.0, 1.5}));
  EXPECT_DOUBLE_EQ(sweep.area.mac_mm2, 0.1);
  EXPECT_DOUBLE_EQ(sweep.area.sram_mm2_per_kib, AreaModel{}.sram_mm2_per_kib);
  EXPECT_EQ(point_count(sweep), 2 * 4 * 3);
  // The last parameter varies fastest.
  EXPECT_EQ(point_values(sweep, 0), (std::vector<double>{8, 1024, 0.5}));
  EXPECT_EQ(point_values(sweep, 1), (std::vector<double>{8, 1024, 1.0}));
  EXPECT_EQ(point_values(sweep, 3), (std::vector<double>{8, 2048, 0.5}));
  EXPECT_EQ(point_values(sweep, 23), (std::vector<double>{14, 8192, 1.5}));
  const ArchSpec arch = point_arch(sweep, point_values(sweep, 23));
  EXPECT_EQ(arch.pe_cols, 14);
  EXPECT_EQ(arch.pe_rows, sweep.base.pe_rows);
  EXPECT_EQ(arch.levels[3].size_bytes, 8192);
  EXPECT_DOUBLE_EQ(arch.dram.bandwidth_gb_per_s, 1.5);
}

TEST(AccelDseSweepSpec, BadFieldsNameTheFileAndTheField) {
  const std::string head = "arch: eyeriss.yaml\nparameters:\n";
  EXPECT_EQ(error_of(head + "  pe_array.cols: [8]\nsize: 3\n"), kSpecs + "test_sweep.yaml: size: unknown field");
  EXPECT_NE(
      error_of(head + "  pe_array.width: [8]\n").find("test_sweep.yaml: parameters.pe_array.width: unknown field ("),
      std::string::npos);
  EXPECT_NE(error_of(head + "  memory.gbl.size_bytes: [8]\n")
                .find("parameters.memory.gbl.size_bytes: no memory level 'gbl' in "),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: [8, 8.5]\n").find("parameters.pe_array.rows[1]: must be an integer"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: [8, 0x]\n").find("parameters.pe_array.rows[1]: must be a number"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: [100000]\n").find("parameters.pe_array.rows[0]: must be at most 65536"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  dram.bandwidth_gb_per_s: [-1]\n").find("[0]: must not be negative"), std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: [8, 12, 8]\n").find("parameters.pe_array.rows[2]: repeats 8"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: []\n").find("parameters.pe_array.rows: an empty list"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: {from: 8, to: 16}\n").find("give either step or factor"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: {from: 8, to: 16, by: 2}\n").find("pe_array.rows.by: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of(head + "  pe_array.rows: [8]\narea: {mac_um2: 3}\n").find("area.mac_um2: unknown field"),
            std::string::npos);
  EXPECT_NE(error_of("arch: eyeriss.yaml\n").find("test_sweep.yaml: parameters: missing"), std::string::npos);
  EXPECT_NE(error_of("arch: nowhere.yaml\nparameters: {pe_array.rows: [8]}\n").find("nowhere.yaml"), std::string::npos);
}

TEST(AccelDseSweepSpec, AreaProxyCountsPesBuffersAndTheDramInterface) {
  const SweepSpec sweep = sweep_from("arch: eyeriss.yaml\nparameters: {pe_array.rows: [12]}\n");
  // 168 PEs with 24 + 48 + 448 bytes of scratchpads each, a 108 KiB buffer, 0.48 GB/s.
  const double kib = (168.0 * (24 + 48 + 448) + 110592) / 1024;
  EXPECT_DOUBLE_EQ(area_mm2(sweep.base, {1, 0, 0}), 168);
  EXPECT_DOUBLE_EQ(area_mm2(sweep.base, {0, 1, 0}), kib);
  EXPECT_DOUBLE_EQ(area_mm2(sweep.base, {0, 0, 1}), 0.48);
  EXPECT_NEAR(area_mm2(sweep.base, AreaModel{}), 168 * 0.02 + kib * 0.02 + 0.48 * 0.5, 1e-12);
}

struct AlexNetSweep {
  SweepSpec sweep = load_sweep_spec(kSpecs + "eyeriss_dse.yaml");
  Workload alexnet = load_workload(kSpecs + "alexnet_eyeriss.yaml");
};

TEST(AccelDse, EveryPointOffTheFrontIsDominatedByAPointOnIt) {
  const AlexNetSweep s;
  const Exploration exploration = explore(s.sweep, s.alexnet, {});
  ASSERT_EQ(exploration.points.size(), 81u);
  ASSERT_FALSE(exploration.front.empty());
  int fits = 0;
  for (const DesignPoint& point : exploration.points) {
    if (!point.ok) {
      // An 8-row array cannot hold CONV1's 11-row filters: reported, not fatal.
      EXPECT_EQ(point.values[0], 8);
      EXPECT_NE(point.reason.find("layer 'CONV1'"), std::string::npos) << point.reason;
      EXPECT_FALSE(point.pareto);
      continue;
    }
    ++fits;
    EXPECT_EQ(point.prediction.layers.size(), 5u);
    const bool on_front =
        std::find(exploration.front.begin(), exploration.front.end(), point.index) != exploration.front.end();
    EXPECT_EQ(point.pareto, on_front);
    bool dominated_by_front = false, dominated_by_any = false;
    for (const DesignPoint& other : exploration.points) {
      if (!other.ok) continue;
      const bool dominates_it = dominates(design_costs(other), design_costs(point));
      dominated_by_any = dominated_by_any || dominates_it;
      dominated_by_front = dominated_by_front || (other.pareto && dominates_it);
    }
    EXPECT_EQ(dominated_by_any, !point.pareto) << "point " << point.index;
    if (!point.pareto) {
      EXPECT_TRUE(dominated_by_front) << "point " << point.index;
    }
  }
  EXPECT_EQ(fits, 54);
  // More DRAM bandwidth costs area and saves time: both ends of the sweep are on the front.
  bool slow_link = false, fast_link = false;
  for (const int64_t index : exploration.front) {
    slow_link = slow_link || exploration.points[index].values[3] == 0.48;
    fast_link = fast_link || exploration.points[index].values[3] == 1.92;
  }
  EXPECT_TRUE(slow_link && fast_link);
}

TEST(AccelDse, KeptLayerParamsReproducePredictAtTheBasePoint) {
  const AlexNetSweep s;
  DseOptions options;
  options.keep_layer_params = true;
  const Exploration exploration = explore(s.sweep, s.alexnet, options);
  // Point 39 is the base spec (12 x 14, 108 KiB, 0.48 GB/s) with Table III's mappings.
  const DesignPoint& base = exploration.points[39];
  ASSERT_EQ(base.values, (std::vector<double>{12, 14, 110592, 0.48}));
  ASSERT_TRUE(base.ok) << base.reason;
  const Prediction direct = predict(s.sweep.base, s.alexnet, "row_stationary");
  EXPECT_EQ(base.prediction.total.energy_mj, direct.total.energy_mj);
  EXPECT_EQ(base.prediction.total.total_latency_ms, direct.total.total_latency_ms);
  // Table III's CONV1 sets are 14 columns wide and its buffer tiles need 89810 bytes.
  for (const DesignPoint& point : exploration.points) {
    const bool fits = point.values[1] >= 14 && point.values[2] >= 110592 && point.values[0] >= 12;
    EXPECT_EQ(point.ok, fits) << "point " << point.index << ": " << point.reason;
  }
}

TEST(AccelDse, SameResultOnAnyNumberOfThreads) {
  AlexNetSweep s;
  s.sweep = parse_sweep_spec(
      "arch: eyeriss.yaml\nparameters:\n  pe_array.cols: [8, 14]\n"
      "  memory.glb.size_bytes: [55296, 110592]\n",
      kSpecs + "small_sweep.yaml");
  s.alexnet.layers.resize(2);
  DseOptions options;
  options.dataflow = "search";
  options.search.max_evaluations = 2000;
  options.search.seed = 5;
  std::vector<Exploration> runs;
  for (const int threads : {1, 2, 3, 8}) {
    options.search.threads = threads;
    runs.push_back(explore(s.sweep, s.alexnet, options));
  }
  ASSERT_EQ(runs[0].points.size(), 4u);
  ASSERT_FALSE(runs[0].front.empty());
  for (const Exploration& run : runs) {
    EXPECT_EQ(run.front, runs[0].front);
    for (size_t i = 0; i < run.points.size(); ++i) {
      ASSERT_TRUE(run.points[i].ok) << run.points[i].reason;
      EXPECT_EQ(design_costs(run.points[i]), design_costs(runs[0].points[i]));
      for (size_t l = 0; l < run.points[i].prediction.layers.size(); ++l) {
        EXPECT_EQ(mapping_to_string(run.points[i].prediction.layers[l].mapping),
                  mapping_to_string(runs[0].points[i].prediction.layers[l].mapping));
      }
    }
  }
}

TEST(AccelDse, AnUnknownDataflowIsBadInputBeforeAnyPoint) {
  const AlexNetSweep s;
  DseOptions options;
  options.dataflow = "diagonal";
  try {
    explore(s.sweep, s.alexnet, options);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::BadInput);
    EXPECT_NE(std::string(error.what()).find("unknown dataflow 'diagonal'"), std::string::npos);
  }
}

}  // namespace
}  // namespace vigil::accel

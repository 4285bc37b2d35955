// SPDX-License-Identifier: Apache-2.0
// The model against silicon: Eyeriss running AlexNet CONV1-CONV5 at batch 4 (Chen et
// al., JSSC 2017, Table V, as transcribed in cucapra/fodlam data/eyeriss-alexnet.csv),
// with the shipped spec (src/accel/specs/eyeriss.yaml) and the paper's Table III
// row-stationary mapping (src/accel/specs/alexnet_eyeriss.yaml). The spec's energy scale,
// static power, filter-load rate and DRAM overlap were fitted on these same five layers;
// everything else is the published architecture. The bounds below are what the model
// achieves, rounded up; docs/predict.md has the table.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdio>

#include "accel/arch_spec.h"
#include "accel/evaluate.h"
#include "accel/row_stationary.h"
#include "accel/workload.h"

namespace vigil::accel {
namespace {

struct Published {
  const char* layer;
  double power_mw;
  double total_latency_ms;
  double processing_latency_ms;
  int64_t active_pes;
  double dram_mb;
};

constexpr std::array<Published, 5> kTableV = {{
    {"CONV1", 332, 20.9, 16.5, 154, 5.0},
    {"CONV2", 288, 41.9, 39.2, 135, 4.0},
    {"CONV3", 266, 23.6, 21.8, 156, 3.0},
    {"CONV4", 235, 18.4, 16.0, 156, 2.1},
    {"CONV5", 236, 10.5, 10.0, 156, 1.3},
}};

double error(double predicted, double measured) { return (predicted - measured) / measured; }

TEST(AccelEyeriss, AlexNetConvLayersMatchTheJssc2017Measurements) {
  const ArchSpec arch = load_arch_spec(VIGIL_SOURCE_DIR "/src/accel/specs/eyeriss.yaml");
  const Workload alexnet = load_workload(VIGIL_SOURCE_DIR "/src/accel/specs/alexnet_eyeriss.yaml");
  ASSERT_EQ(alexnet.layers.size(), kTableV.size());
  double sum_latency_error = 0;
  std::printf(
      "layer  proc ms (pub, err)      total ms (pub, err)     power mW (pub, err)    PEs      DRAM MB (pub, err)\n");
  for (size_t i = 0; i < kTableV.size(); ++i) {
    const Published& published = kTableV[i];
    const Layer& layer = alexnet.layers[i];
    ASSERT_EQ(layer.name, published.layer);
    const EvalResult r = evaluate(arch, layer, row_stationary_mapping(arch, layer, row_stationary_params(arch, layer)));
    ASSERT_TRUE(r.ok) << layer.name << ": " << r.reason;
    const double processing = error(r.processing_latency_ms, published.processing_latency_ms);
    const double total = error(r.total_latency_ms, published.total_latency_ms);
    const double power = error(r.power_mw, published.power_mw);
    const double dram = error(r.dram_bytes / 1e6, published.dram_mb);
    std::printf(
        "%s  %6.2f (%5.1f, %+5.1f%%)  %6.2f (%5.1f, %+5.1f%%)  %6.1f (%4.0f, %+5.1f%%)  %3lld/%3lld  %5.2f (%3.1f, "
        "%+5.1f%%)\n",
        layer.name.c_str(), r.processing_latency_ms, published.processing_latency_ms, 100 * processing,
        r.total_latency_ms, published.total_latency_ms, 100 * total, r.power_mw, published.power_mw, 100 * power,
        static_cast<long long>(r.active_pes), static_cast<long long>(published.active_pes), r.dram_bytes / 1e6,
        published.dram_mb, 100 * dram);
    EXPECT_EQ(r.active_pes, published.active_pes) << layer.name;
    EXPECT_LE(std::fabs(processing), 0.08) << layer.name << " processing latency";
    EXPECT_LE(std::fabs(power), 0.065) << layer.name << " power";
    EXPECT_LE(std::fabs(total), 0.15) << layer.name << " total latency";
    EXPECT_LE(std::fabs(dram), 0.36) << layer.name << " DRAM traffic";
    sum_latency_error += std::fabs(processing);
  }
  EXPECT_LE(sum_latency_error / kTableV.size(), 0.04) << "mean processing latency error";
}

}  // namespace
}  // namespace vigil::accel

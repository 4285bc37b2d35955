// SPDX-License-Identifier: Apache-2.0
// Drawing injections: each depends on the seed and its own index only; targets are hit in
// proportion to the faults they hold; bits stay in range and are distinct.
#include "faults/injection_plan.h"

#include <gtest/gtest.h>

#include <bit>

namespace vigil::faults {
namespace {

std::vector<FaultTarget> two_targets() {
  FaultTarget small;
  small.node = "small";
  small.dtype = DType::Int8;  // 100 values x 8 bits = 800 faults
  small.elements = 100;
  FaultTarget large = small;
  large.node = "large";
  large.dtype = DType::Float32;  // 100 values x 32 bits = 3200 faults
  return {small, large};
}

TEST(InjectionPlan, ReproducibleFromSeedAndIndex) {
  const std::vector<FaultTarget> targets = two_targets();
  CampaignDesign design;
  design.models = {FaultModel{}};
  design.inputs = 7;
  design.seed = 42;
  const Injection late_first = draw_injection(design, targets, 1234);
  for (int64_t i = 0; i < 1234; ++i) draw_injection(design, targets, i);
  const Injection again = draw_injection(design, targets, 1234);
  ASSERT_EQ(again.faults.size(), 1u);
  EXPECT_EQ(again.faults[0].target, late_first.faults[0].target);
  EXPECT_EQ(again.faults[0].element, late_first.faults[0].element);
  EXPECT_EQ(again.faults[0].mask, late_first.faults[0].mask);
  EXPECT_EQ(again.input, 1234 % 7);
  design.seed = 43;
  int same = 0;
  for (int64_t i = 0; i < 100; ++i) {
    design.seed = 42;
    const Injection a = draw_injection(design, targets, i);
    design.seed = 43;
    const Injection b = draw_injection(design, targets, i);
    same += a.faults[0].element == b.faults[0].element && a.faults[0].mask == b.faults[0].mask;
  }
  EXPECT_LT(same, 5);
}

TEST(InjectionPlan, TargetsInProportionToTheirFaults) {
  const std::vector<FaultTarget> targets = two_targets();
  CampaignDesign design;
  design.models = {FaultModel{}};
  int hits[2] = {0, 0};
  std::vector<int> bits(32, 0);
  const int n = 20000;
  for (int64_t i = 0; i < n; ++i) {
    const Fault fault = draw_injection(design, targets, i).faults[0];
    ++hits[fault.target];
    ASSERT_EQ(std::popcount(fault.mask), 1);
    const int bit = std::countr_zero(fault.mask);
    ASSERT_LT(bit, fault.target == 0 ? 8 : 32);
    ASSERT_LT(fault.element, 100);
    if (fault.target == 1) ++bits[bit];
  }
  // 800 : 3200 faults: a fifth of the draws go to the int8 target (sd about 57 of 4000).
  EXPECT_NEAR(hits[0], n / 5, 300);
  for (int b = 0; b < 32; ++b) EXPECT_NEAR(bits[b], hits[1] / 32.0, 150) << "bit " << b;
}

TEST(InjectionPlan, MultipleBitsAndFaults) {
  const std::vector<FaultTarget> targets = two_targets();
  CampaignDesign design;
  FaultModel model;
  model.bits = 3;
  model.low_bit = 2;
  model.high_bit = 6;
  design.models = {model, FaultModel{FaultKind::Zero}};
  design.faults_per_inference = 4;
  bool zero_seen = false;
  for (int64_t i = 0; i < 500; ++i) {
    const Injection injection = draw_injection(design, targets, i);
    ASSERT_EQ(injection.faults.size(), 4u);
    for (const Fault& fault : injection.faults) {
      if (fault.model == 1) {
        zero_seen = true;
        continue;
      }
      EXPECT_EQ(std::popcount(fault.mask), 3);
      EXPECT_EQ(fault.mask & ~0x7Cull, 0u);  // bits 2..6
    }
  }
  EXPECT_TRUE(zero_seen);
  EXPECT_EQ(fault_population(design, targets), 0);  // several faults per inference: unbounded
  design.faults_per_inference = 1;
  design.models = {FaultModel{}};
  EXPECT_EQ(fault_population(design, targets), 800 + 3200);
}

}  // namespace
}  // namespace vigil::faults

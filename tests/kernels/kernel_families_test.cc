// SPDX-License-Identifier: Apache-2.0
// Every kernel family through one listing (kernels/kernel_families.h): each family starts
// with a kernel that needs no feature, lists its kernels from the least to the most
// capable (each later one needs at least as much as some earlier one's level), marks
// exactly one active kernel, which this CPU runs and the active features allow, and under
// a mask that turns everything off, every family runs its scalar kernel.
#include "kernels/kernel_families.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace vigil::kernels {
namespace {

std::map<std::string, std::vector<KernelListing>> by_family() {
  std::map<std::string, std::vector<KernelListing>> families;
  for (const KernelListing& k : list_kernels()) families[k.family].push_back(k);
  return families;
}

TEST(KernelFamilies, EveryFamilyHasAScalarKernelAndOneActiveKernelThisCpuRuns) {
  const auto families = by_family();
  EXPECT_GE(families.size(), 11u);
  for (const auto& [family, kernels] : families) {
    ASSERT_FALSE(kernels.empty());
    EXPECT_TRUE(kernels.front().needs.empty()) << family;
    EXPECT_NE(std::string(kernels.front().name).find("__scalar"), std::string::npos) << family;
    int active = 0;
    for (const KernelListing& k : kernels) {
      EXPECT_NE(std::string(k.name).find("__"), std::string::npos) << k.name << ": no ISA suffix";
      EXPECT_EQ(k.runs_here, detected_features().contains(k.needs)) << k.name;
      if (!k.active) continue;
      ++active;
      EXPECT_TRUE(k.runs_here) << k.name;
      EXPECT_TRUE(active_features().contains(k.needs)) << k.name;
    }
    EXPECT_EQ(active, 1) << family;
  }
}

TEST(KernelFamilies, WithEveryFeatureOffEveryFamilyRunsItsScalarKernel) {
  const CpuFeatures saved = active_features();
  set_active_features({});
  for (const auto& [family, kernels] : by_family()) EXPECT_TRUE(kernels.front().active) << family;
  set_active_features(saved);
}

}  // namespace
}  // namespace vigil::kernels

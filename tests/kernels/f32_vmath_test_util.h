// SPDX-License-Identifier: Apache-2.0
// Shared by the tests of the unary, binary and reduce primitives: the instruction-set
// paths to run (each test is parameterised by one and skips it when the CPU lacks it),
// the tail sizes, and seeded random inputs.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/cpu_features.h"

namespace vigil::kernels::testing {

// Selects the parameter's path for the test and restores the detected one afterwards.
class IsaTest : public ::testing::TestWithParam<Isa> {
 protected:
  void SetUp() override {
    if (static_cast<int>(GetParam()) > static_cast<int>(detected_isa())) {
      GTEST_SKIP() << "this CPU cannot run the " << isa_name(GetParam()) << " path";
    }
    set_active_isa(GetParam());
  }
  void TearDown() override { set_active_isa(detected_isa()); }
};

inline std::string isa_param_name(const ::testing::TestParamInfo<Isa>& info) { return isa_name(info.param); }

#define VIGIL_INSTANTIATE_ISA_TESTS(Suite)                                                     \
  INSTANTIATE_TEST_SUITE_P(Isa, Suite, ::testing::Values(Isa::Scalar, Isa::Avx2, Isa::Avx512), \
                           ::vigil::kernels::testing::isa_param_name)

// Below, at and beyond the vector widths (8 and 16), and a long row with a tail.
inline const std::vector<int64_t> kTailSizes = {0, 1, 7, 8, 15, 16, 17, 33, 1003};

inline std::vector<float> random_floats(size_t count, float low, float high, uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> uniform(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = uniform(engine);
  return values;
}

}  // namespace vigil::kernels::testing

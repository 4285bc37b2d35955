// SPDX-License-Identifier: Apache-2.0
// CPU features and feature masks: the levels, the closure that drops a feature with its
// prerequisites gone, the mask grammar of VIGIL_ISA and --isa, and what the active
// features become under each mask, on whatever this CPU detects.
#include "core/cpu_features.h"

#include <gtest/gtest.h>

#include <string>

#include "core/error.h"

namespace vigil {
namespace {

// Restores the active features after each test.
class CpuFeaturesTest : public ::testing::Test {
 protected:
  void TearDown() override { set_active_features(saved_); }
  const CpuFeatures saved_ = active_features();
};

TEST_F(CpuFeaturesTest, NamesRoundTripAndLevelsNest) {
  for (int i = 0; i < kCpuFeatureCount; ++i) {
    const auto f = static_cast<CpuFeature>(i);
    EXPECT_EQ(parse_cpu_feature(cpu_feature_name(f)), f);
  }
  EXPECT_FALSE(parse_cpu_feature("mmx").has_value());
  EXPECT_TRUE(kAvx512Features.contains(kAvx2Features));
  EXPECT_EQ(isa_of(kAvx512Features), Isa::Avx512);
  EXPECT_EQ(isa_of(kAvx512Features.without(CpuFeature::Avx512Bw)), Isa::Avx2);
  EXPECT_EQ(isa_of(kAvx2Features.without(CpuFeature::Fma)), Isa::Scalar);
  EXPECT_EQ((kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni}).to_level_string(), "avx512 avx512vnni");
  EXPECT_EQ(CpuFeatures{}.to_string(), "none");
  EXPECT_TRUE(detected_features().contains(isa_features(detected_isa())));
}

TEST_F(CpuFeaturesTest, MasksKeepLevelsAndTurnFeaturesOffWithWhatNeedsThem) {
  const CpuFeatures detected = detected_features();
  EXPECT_EQ(parse_feature_mask("native", "test"), detected);
  EXPECT_EQ(parse_feature_mask("", "test"), detected);
  EXPECT_TRUE(parse_feature_mask("scalar", "test").empty());
  if (detected.contains(kAvx2Features)) {
    const CpuFeatures avx2 = parse_feature_mask("avx2", "test");
    EXPECT_EQ(isa_of(avx2), Isa::Avx2);
    EXPECT_FALSE(avx2.has(CpuFeature::Avx512F));
    EXPECT_FALSE(avx2.has(CpuFeature::Avx512Vnni));                               // needs the AVX-512 level
    EXPECT_EQ(avx2.has(CpuFeature::AvxVnni), detected.has(CpuFeature::AvxVnni));  // needs AVX2 only
    // Turning off FMA leaves no AVX2 level, and nothing that needs it.
    const CpuFeatures no_fma = parse_feature_mask("-fma", "test");
    EXPECT_EQ(isa_of(no_fma), Isa::Scalar);
    EXPECT_FALSE(no_fma.has(CpuFeature::AvxVnni));
    EXPECT_FALSE(no_fma.has(CpuFeature::Avx512F));
  }
  if (detected.contains(kAvx512Features)) {
    const CpuFeatures no_vnni = parse_feature_mask("-avx512vnni", "test");
    EXPECT_EQ(no_vnni, detected.without(CpuFeature::Avx512Vnni));
    EXPECT_EQ(isa_of(no_vnni), Isa::Avx512);
    const CpuFeatures no_f = parse_feature_mask("avx512,-avx512f", "test");
    EXPECT_EQ(isa_of(no_f), Isa::Avx2);
    EXPECT_FALSE(no_f.has(CpuFeature::Avx512Vbmi));
  } else {
    EXPECT_THROW(parse_feature_mask("avx512", "test"), Error);
  }
}

TEST_F(CpuFeaturesTest, BadMasksNameTheirSourceAndItem) {
  auto message = [](const std::string& mask) {
    try {
      parse_feature_mask(mask, "--isa");
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::BadInput);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("mmx").find("--isa: mmx is neither a level"), std::string::npos) << message("mmx");
  EXPECT_NE(message("-mmx").find("--isa: -mmx names no CPU feature"), std::string::npos) << message("-mmx");
  EXPECT_NE(message("-fma,avx2").find("--isa: avx2 is neither"), std::string::npos);  // a level comes first
}

TEST_F(CpuFeaturesTest, ActiveFeaturesFollowTheMaskAndCountTheirChanges) {
  const uint32_t before = active_features_generation();
  set_active_isa(Isa::Scalar);
  EXPECT_TRUE(active_features().empty());
  EXPECT_EQ(active_isa(), Isa::Scalar);
  EXPECT_GT(active_features_generation(), before);
  // More than the CPU has is never active.
  set_active_features(CpuFeatures::all());
  EXPECT_EQ(active_features(), detected_features());
  EXPECT_EQ(active_isa(), detected_isa());
}

}  // namespace
}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// What the processor and the operating system let vigil run, as a set of CPU features
// read once with cpuid and xgetbv, and what the user allows of it. The active features
// are the detected ones less those that VIGIL_ISA (read once) or the --isa flag turn off,
// so that one AVX-512 machine tests every kernel: a level name ("avx2") keeps that level
// and what needs no more than it, and "-avx512vnni" turns off one feature (and what
// needs it). Every kernel family (kernels/kernel_registry.h) lists its kernels with the
// features each needs and runs the best one the active features allow.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace vigil {

enum class CpuFeature : uint8_t {
  Avx2,
  Fma,
  F16c,
  Avx512F,
  Avx512Bw,
  Avx512Vl,
  Avx512Dq,
  Avx512Vnni,
  AvxVnni,  // the VEX-encoded vpdpbusd on ymm, without AVX-512
  Avx512Vbmi,
  Avx512Vpopcntdq,
  Avx512Bf16,
  AmxTile,
  AmxInt8,
  AmxBf16,
};
inline constexpr int kCpuFeatureCount = 15;

// A set of CPU features.
class CpuFeatures {
 public:
  constexpr CpuFeatures() = default;
  constexpr CpuFeatures(std::initializer_list<CpuFeature> features) {
    for (CpuFeature f : features) bits_ |= bit(f);
  }
  constexpr bool has(CpuFeature f) const { return (bits_ & bit(f)) != 0; }
  constexpr bool contains(CpuFeatures other) const { return (bits_ & other.bits_) == other.bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr CpuFeatures operator|(CpuFeatures other) const { return from_bits(bits_ | other.bits_); }
  constexpr CpuFeatures operator&(CpuFeatures other) const { return from_bits(bits_ & other.bits_); }
  constexpr CpuFeatures without(CpuFeature f) const { return from_bits(bits_ & ~bit(f)); }
  constexpr bool operator==(const CpuFeatures&) const = default;
  constexpr uint32_t bits() const { return bits_; }
  std::string to_string() const;        // the names, space-separated, in CpuFeature order; "none" if empty
  std::string to_level_string() const;  // the same with a level's features as its name: "avx512 avx512vnni"

  static constexpr CpuFeatures from_bits(uint32_t bits) {
    CpuFeatures set;
    set.bits_ = bits & ((uint32_t{1} << kCpuFeatureCount) - 1);
    return set;
  }
  static constexpr CpuFeatures all() { return from_bits(~uint32_t{0}); }

 private:
  static constexpr uint32_t bit(CpuFeature f) { return uint32_t{1} << static_cast<int>(f); }
  uint32_t bits_ = 0;
};

const char* cpu_feature_name(CpuFeature feature);  // "avx2", "avx512vnni", "amx-int8", ...
std::optional<CpuFeature> parse_cpu_feature(std::string_view name);

// The instruction-set levels the kernels are compiled for, from the least to the most
// capable; each includes those below it.
enum class Isa {
  Scalar = 0,  // plain C++ (the reference kernels)
  Avx2 = 1,    // AVX2 + FMA + F16C
  Avx512 = 2,  // AVX-512 F, BW, DQ, VL (and AVX2)
};
inline constexpr CpuFeatures kAvx2Features{CpuFeature::Avx2, CpuFeature::Fma, CpuFeature::F16c};
inline constexpr CpuFeatures kAvx512Features =
    kAvx2Features | CpuFeatures{CpuFeature::Avx512F, CpuFeature::Avx512Bw, CpuFeature::Avx512Vl, CpuFeature::Avx512Dq};
CpuFeatures isa_features(Isa isa);                    // what a level needs
const char* isa_name(Isa isa);                        // "scalar", "avx2", "avx512"
std::optional<Isa> parse_isa(std::string_view name);  // the inverse; nullopt if unknown
Isa isa_of(CpuFeatures features);                     // the best level a set holds

// The features this CPU and its OS allow, read once. A feature whose prerequisites are
// missing (AVX-512 VNNI without the AVX-512 level, AVX-VNNI without AVX2) is left out.
CpuFeatures detected_features();
Isa detected_isa();
std::string cpu_model_name();  // the processor's brand string (cpuid), trimmed; "unknown x86-64" if none

// What a feature mask allows of the detected features. The mask is a comma-separated
// list: a level ("scalar", "avx2", "avx512") or "native" first, then "-feature" items,
// e.g. "avx2", "-avx512vnni", "avx512,-avx512vbmi,-avxvnni". A level keeps the features
// that need no more than it ("avx2" keeps AVX-VNNI); "-feature" turns that feature off,
// and every feature that needs it. A bad-input Error names `source` for an unknown name
// or a level this CPU lacks.
CpuFeatures parse_feature_mask(std::string_view mask, const std::string& source);

// The features kernels may use now: the first call reads VIGIL_ISA (a feature mask).
CpuFeatures active_features();
Isa active_isa();  // isa_of(active_features())
// Allows `features` of the detected ones (the --isa flag, tests).
void set_active_features(CpuFeatures features);
// Keeps the features a level allows (what a mask holding just its name keeps); a
// bad-input Error if the CPU lacks the level.
void set_active_isa(Isa isa);
// Counts changes of the active features: kernel registries re-choose when it moves.
uint32_t active_features_generation();

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// cpuid and xgetbv probes behind core/cpu_features.h, and the feature masks. AVX state
// must be enabled by the OS (XCR0 bits for SSE, AVX and, for AVX-512, the opmask and upper
// ZMM registers; for AMX the tile state) as well as reported by cpuid, or the kernels
// would fault.
#include "core/cpu_features.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/error.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace vigil {

namespace {

constexpr const char* kFeatureNames[kCpuFeatureCount] = {
    "avx2",     "fma",        "f16c",    "avx512f",    "avx512bw",        "avx512vl",
    "avx512dq", "avx512vnni", "avxvnni", "avx512vbmi", "avx512vpopcntdq", "avx512bf16",
    "amx-tile", "amx-int8",   "amx-bf16"};

// What each feature needs besides itself: vigil compiles its AVX-512 kernels for the
// whole AVX-512 level (on AVX2), and pairs AMX with AVX-512.
CpuFeatures prerequisites(CpuFeature f) {
  switch (f) {
    case CpuFeature::Avx2:
    case CpuFeature::Fma:
    case CpuFeature::F16c: return {};
    case CpuFeature::AvxVnni:
    case CpuFeature::Avx512F: return kAvx2Features;
    case CpuFeature::Avx512Bw:
    case CpuFeature::Avx512Vl:
    case CpuFeature::Avx512Dq: return kAvx2Features | CpuFeatures{CpuFeature::Avx512F};
    case CpuFeature::AmxInt8:
    case CpuFeature::AmxBf16: return kAvx512Features | CpuFeatures{CpuFeature::AmxTile};
    default: return kAvx512Features;
  }
}

// Leaves out every feature whose prerequisites are not all there.
CpuFeatures closed(CpuFeatures set) {
  for (bool changed = true; changed;) {
    changed = false;
    for (int i = 0; i < kCpuFeatureCount; ++i) {
      const auto f = static_cast<CpuFeature>(i);
      if (set.has(f) && !set.contains(prerequisites(f))) {
        set = set.without(f);
        changed = true;
      }
    }
  }
  return set;
}

CpuFeatures probe_cpu() {
  CpuFeatures found;
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return found;
  const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28);
  if (!osxsave || !avx) return found;
  const bool fma = ecx & (1u << 12), f16c = ecx & (1u << 29);
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  const bool os_avx = (xcr0_low & 0x6) == 0x6;                 // XMM and YMM state
  const bool os_avx512 = os_avx && (xcr0_low & 0xe0) == 0xe0;  // opmask, ZMM0-15 upper, ZMM16-31
  const bool os_amx = (xcr0_low & 0x60000) == 0x60000;         // XTILECFG and XTILEDATA
  if (!os_avx || __get_cpuid_max(0, nullptr) < 7) return found;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const unsigned subleaves = eax;
  auto add = [&](CpuFeature f, bool present) {
    if (present) found = found | CpuFeatures{f};
  };
  add(CpuFeature::Avx2, ebx & (1u << 5));
  add(CpuFeature::Fma, fma);
  add(CpuFeature::F16c, f16c);
  add(CpuFeature::Avx512F, os_avx512 && (ebx & (1u << 16)));
  add(CpuFeature::Avx512Dq, os_avx512 && (ebx & (1u << 17)));
  add(CpuFeature::Avx512Bw, os_avx512 && (ebx & (1u << 30)));
  add(CpuFeature::Avx512Vl, os_avx512 && (ebx & (1u << 31)));
  add(CpuFeature::Avx512Vbmi, os_avx512 && (ecx & (1u << 1)));
  add(CpuFeature::Avx512Vnni, os_avx512 && (ecx & (1u << 11)));
  add(CpuFeature::Avx512Vpopcntdq, os_avx512 && (ecx & (1u << 14)));
  add(CpuFeature::AmxBf16, os_amx && (edx & (1u << 22)));
  add(CpuFeature::AmxTile, os_amx && (edx & (1u << 24)));
  add(CpuFeature::AmxInt8, os_amx && (edx & (1u << 25)));
  if (subleaves >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    add(CpuFeature::AvxVnni, eax & (1u << 4));
    add(CpuFeature::Avx512Bf16, os_avx512 && (eax & (1u << 5)));
  }
#endif
  return closed(found);
}

// The active features' bits, or -1 until the first active_features() call reads VIGIL_ISA.
std::atomic<int64_t> active_bits{-1};
std::atomic<uint32_t> generation{0};

void store_active(CpuFeatures features) {
  active_bits.store(features.bits(), std::memory_order_relaxed);
  generation.fetch_add(1, std::memory_order_relaxed);
}

// The features a level keeps: the detected ones less the other levels' defining features.
CpuFeatures level_keeps(Isa isa, const std::string& source) {
  check_input(static_cast<int>(isa) <= static_cast<int>(detected_isa()), source, ": this CPU cannot run the ",
              isa_name(isa), " path (the best it allows is ", isa_name(detected_isa()), ")");
  CpuFeatures kept = detected_features();
  for (int i = 0; i < kCpuFeatureCount; ++i) {
    const auto f = static_cast<CpuFeature>(i);
    if (kAvx512Features.has(f) && !isa_features(isa).has(f)) kept = kept.without(f);
  }
  return closed(kept);
}

}  // namespace

std::string CpuFeatures::to_level_string() const {
  const Isa level = isa_of(*this);
  std::string text = level == Isa::Scalar ? std::string() : isa_name(level);
  for (int i = 0; i < kCpuFeatureCount; ++i) {
    const auto f = static_cast<CpuFeature>(i);
    if (!has(f) || isa_features(level).has(f)) continue;
    if (!text.empty()) text += ' ';
    text += kFeatureNames[i];
  }
  return text.empty() ? "none" : text;
}

std::string CpuFeatures::to_string() const {
  std::string text;
  for (int i = 0; i < kCpuFeatureCount; ++i) {
    if (!has(static_cast<CpuFeature>(i))) continue;
    if (!text.empty()) text += ' ';
    text += kFeatureNames[i];
  }
  return text.empty() ? "none" : text;
}

const char* cpu_feature_name(CpuFeature feature) { return kFeatureNames[static_cast<int>(feature)]; }

std::optional<CpuFeature> parse_cpu_feature(std::string_view name) {
  for (int i = 0; i < kCpuFeatureCount; ++i) {
    if (name == kFeatureNames[i]) return static_cast<CpuFeature>(i);
  }
  return std::nullopt;
}

CpuFeatures isa_features(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return {};
    case Isa::Avx2: return kAvx2Features;
    case Isa::Avx512: return kAvx512Features;
  }
  return {};
}

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Scalar: return "scalar";
    case Isa::Avx2: return "avx2";
    case Isa::Avx512: return "avx512";
  }
  return "?";
}

std::optional<Isa> parse_isa(std::string_view name) {
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (name == isa_name(isa)) return isa;
  }
  return std::nullopt;
}

Isa isa_of(CpuFeatures features) {
  return features.contains(kAvx512Features) ? Isa::Avx512 : features.contains(kAvx2Features) ? Isa::Avx2 : Isa::Scalar;
}

CpuFeatures detected_features() {
  static const CpuFeatures features = probe_cpu();
  return features;
}

Isa detected_isa() { return isa_of(detected_features()); }

std::string cpu_model_name() {
  std::string name;
#if defined(__x86_64__)
  // Leaves 0x80000002..4 hold 48 bytes of brand string, NUL-padded.
  if (__get_cpuid_max(0x80000000, nullptr) >= 0x80000004) {
    for (unsigned leaf = 0x80000002; leaf <= 0x80000004; ++leaf) {
      unsigned registers[4] = {};
      __get_cpuid(leaf, &registers[0], &registers[1], &registers[2], &registers[3]);
      name.append(reinterpret_cast<const char*>(registers), sizeof(registers));
    }
  }
#endif
  name = name.substr(0, name.find('\0'));
  const size_t first = name.find_first_not_of(' ');
  if (first == std::string::npos) return "unknown x86-64";
  return name.substr(first, name.find_last_not_of(' ') - first + 1);
}

CpuFeatures parse_feature_mask(std::string_view mask, const std::string& source) {
  CpuFeatures allowed = detected_features();
  bool first = true;
  while (!mask.empty()) {
    const size_t comma = mask.find(',');
    const std::string_view item = mask.substr(0, comma);
    mask = comma == std::string_view::npos ? std::string_view() : mask.substr(comma + 1);
    if (item.empty()) continue;
    if (item[0] == '-') {
      const std::optional<CpuFeature> feature = parse_cpu_feature(item.substr(1));
      check_input(feature.has_value(), source, ": ", item,
                  " names no CPU feature (known: ", CpuFeatures::all().to_string(), ")");
      allowed = closed(allowed.without(*feature));
    } else {
      const std::optional<Isa> level = parse_isa(item);
      check_input(first && (level.has_value() || item == "native"), source, ": ", item,
                  " is neither a level (scalar, avx2, avx512 or native, first) nor a feature to turn off (-name)");
      if (level) allowed = level_keeps(*level, source);
    }
    first = false;
  }
  return allowed;
}

CpuFeatures active_features() {
  const int64_t bits = active_bits.load(std::memory_order_relaxed);
  if (bits >= 0) return CpuFeatures::from_bits(static_cast<uint32_t>(bits));
  CpuFeatures features = detected_features();
  if (const char* mask = std::getenv("VIGIL_ISA"); mask && *mask) features = parse_feature_mask(mask, "VIGIL_ISA");
  store_active(features);
  return features;
}

Isa active_isa() { return isa_of(active_features()); }

void set_active_features(CpuFeatures features) { store_active(closed(detected_features() & features)); }

void set_active_isa(Isa isa) { store_active(level_keeps(isa, "--isa")); }

uint32_t active_features_generation() { return generation.load(std::memory_order_relaxed); }

}  // namespace vigil

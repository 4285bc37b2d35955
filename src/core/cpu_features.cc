// cpuid and xgetbv probes behind core/cpu_features.h. AVX state must be enabled by the
// OS (XCR0 bits for SSE, AVX and, for AVX-512, the opmask and upper ZMM registers) as
// well as reported by cpuid, or the kernels would fault.
#include "core/cpu_features.h"

#include <atomic>
#include <cstdint>
#include <cstdlib>

#include "core/error.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace vigil {

namespace {

struct CpuFlags {
  bool avx2_fma = false;
  bool avx512 = false;
  bool avx512_vnni = false;
  bool avx512_vbmi = false;
  bool avx_vnni = false;
};

CpuFlags probe_cpu() {
  CpuFlags flags;
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return flags;
  const bool osxsave = ecx & (1u << 27), avx = ecx & (1u << 28), fma = ecx & (1u << 12), f16c = ecx & (1u << 29);
  if (!osxsave || !avx) return flags;
  unsigned xcr0_low = 0, xcr0_high = 0;
  __asm__("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  const bool os_avx = (xcr0_low & 0x6) == 0x6;            // XMM and YMM state
  const bool os_avx512 = os_avx && (xcr0_low & 0xe0) == 0xe0;  // opmask, ZMM0-15 upper, ZMM16-31
  if (!os_avx || __get_cpuid_max(0, nullptr) < 7) return flags;
  __cpuid_count(7, 0, eax, ebx, ecx, edx);
  const unsigned subleaves = eax;
  const bool avx2 = ebx & (1u << 5);
  const bool avx512f = ebx & (1u << 16), avx512dq = ebx & (1u << 17), avx512bw = ebx & (1u << 30),
             avx512vl = ebx & (1u << 31), avx512vnni = ecx & (1u << 11), avx512vbmi = ecx & (1u << 1);
  flags.avx2_fma = avx2 && fma && f16c;
  flags.avx512 = flags.avx2_fma && os_avx512 && avx512f && avx512dq && avx512bw && avx512vl;
  flags.avx512_vnni = flags.avx512 && avx512vnni;
  flags.avx512_vbmi = flags.avx512 && avx512vbmi;
  if (subleaves >= 1) {
    __cpuid_count(7, 1, eax, ebx, ecx, edx);
    flags.avx_vnni = flags.avx2_fma && (eax & (1u << 4));
  }
#endif
  return flags;
}

const CpuFlags& cpu_flags() {
  static const CpuFlags flags = probe_cpu();
  return flags;
}

// -1 until the first active_isa() call reads VIGIL_ISA.
std::atomic<int> active_level{-1};

void require_supported(Isa isa, const char* source) {
  check_input(static_cast<int>(isa) <= static_cast<int>(detected_isa()), source, ": this CPU cannot run the ",
              isa_name(isa), " path (the best it allows is ", isa_name(detected_isa()), ")");
}

}  // namespace

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

Isa detected_isa() {
  const CpuFlags& flags = cpu_flags();
  return flags.avx512 ? Isa::Avx512 : flags.avx2_fma ? Isa::Avx2 : Isa::Scalar;
}

bool cpu_has_avx512_vnni() { return cpu_flags().avx512_vnni; }
bool cpu_has_avx512_vbmi() { return cpu_flags().avx512_vbmi; }
bool cpu_has_avx_vnni() { return cpu_flags().avx_vnni; }

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

Isa active_isa() {
  int level = active_level.load(std::memory_order_relaxed);
  if (level >= 0) return static_cast<Isa>(level);
  Isa isa = detected_isa();
  if (const char* forced = std::getenv("VIGIL_ISA"); forced && *forced) {
    const std::optional<Isa> parsed = parse_isa(forced);
    check_input(parsed.has_value(), "VIGIL_ISA: unknown path '", forced, "' (expected scalar, avx2 or avx512)");
    require_supported(*parsed, "VIGIL_ISA");
    isa = *parsed;
  }
  active_level.store(static_cast<int>(isa), std::memory_order_relaxed);
  return isa;
}

void set_active_isa(Isa isa) {
  require_supported(isa, "--isa");
  active_level.store(static_cast<int>(isa), std::memory_order_relaxed);
}

}  // namespace vigil

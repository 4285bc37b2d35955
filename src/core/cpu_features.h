// What the processor and the operating system let vigil run: the instruction-set paths
// of the kernels (scalar, AVX2+FMA, AVX-512), detected once with cpuid and xgetbv. The
// active path is the best one detected, unless VIGIL_ISA (read once) or set_active_isa
// (the --isa flag) forces a lower one, so that one AVX-512 machine tests every path.
// Kernel families (kernels/) pick their implementation from active_isa().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vigil {

// Ordered from the least to the most capable; each level includes those below it.
enum class Isa {
  Scalar = 0,  // plain C++ (the reference kernels)
  Avx2 = 1,    // AVX2 + FMA + F16C
  Avx512 = 2,  // AVX-512 F, BW, DQ, VL
};

const char* isa_name(Isa isa);                              // "scalar", "avx2", "avx512"
std::optional<Isa> parse_isa(std::string_view name);        // the inverse; nullopt if unknown
Isa detected_isa();                                         // the best path the CPU and OS allow
bool cpu_has_avx512_vnni();                                 // for the int8 kernels
bool cpu_has_avx_vnni();                                    // VEX vpdpbusd on ymm (AVX-VNNI), with AVX2
bool cpu_has_avx512_vbmi();                                 // byte permutes (int8 depthwise)
std::string cpu_model_name();  // the processor's brand string (cpuid), trimmed; "unknown x86-64" if none

// The path kernels use now. The first call reads VIGIL_ISA ("scalar", "avx2", "avx512");
// an unknown name or a path the CPU lacks is a bad-input Error naming the variable.
Isa active_isa();
// Forces the path (the --isa flag); a bad-input Error if the CPU lacks it.
void set_active_isa(Isa isa);

}  // namespace vigil

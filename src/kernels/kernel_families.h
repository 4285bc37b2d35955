// SPDX-License-Identifier: Apache-2.0
// Every kernel family's registry in one listing: `vigil kernels` prints it, and the tests
// check every family through it (each starts with a kernel that needs no feature, and
// its active kernel is one this CPU runs).
#pragma once

#include <string>
#include <vector>

#include "core/cpu_features.h"

namespace vigil::kernels {

struct KernelListing {
  const char* family;  // "f32_gemm", "qs8_gemm", "qs8_dwconv", ...
  const char* name;    // "qs8_gemm_requant_8x32c4__avx512vnni", ...
  CpuFeatures needs;
  std::string tile;  // "8x32" for GEMM micro-kernels, else empty
  bool runs_here;    // this CPU and OS allow it
  bool active;       // the family's choice under the active features (for shape-dependent
                     // families, the most capable one; a layer may take a lower one)
};

// Family by family, each from the least to the most capable kernel.
std::vector<KernelListing> list_kernels();

}  // namespace vigil::kernels

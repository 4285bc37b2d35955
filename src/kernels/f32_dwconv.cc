// SPDX-License-Identifier: Apache-2.0
// The registry of depthwise paths and the choice of kernel per geometry (kernels/f32_dwconv.h).
#include "kernels/f32_dwconv.h"

namespace vigil::kernels {

namespace {

F32DwConvKernel select_reference(const F32DwConvGeometry&) { return {"f32_dwconv__scalar", f32_dwconv__scalar}; }

constexpr F32DwConvPath kScalar{"f32_dwconv__scalar", CpuFeatures{}, select_reference};
constexpr F32DwConvPath kAvx2{"f32_dwconv__avx2", kAvx2Features, f32_dwconv_select__avx2};
constexpr F32DwConvPath kAvx512{"f32_dwconv__avx512", kAvx512Features, f32_dwconv_select__avx512};
constexpr const F32DwConvPath* kPaths[] = {&kScalar, &kAvx2, &kAvx512};

}  // namespace

const KernelRegistry<F32DwConvPath>& f32_dwconv_paths() {
  static const KernelRegistry<F32DwConvPath> registry("f32_dwconv", kPaths);
  return registry;
}

F32DwConvKernel f32_dwconv_kernel(const F32DwConvGeometry& g, Isa isa) {
  const F32DwConvPath& path =
      f32_dwconv_paths().best(isa_features(isa), [&](const F32DwConvPath& p) { return p.select(g).run != nullptr; });
  return path.select(g);
}

}  // namespace vigil::kernels

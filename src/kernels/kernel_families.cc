// SPDX-License-Identifier: Apache-2.0
// The listing of kernels/kernel_families.h, from each family's registry.
#include "kernels/kernel_families.h"

#include "kernels/bitserial_gemm.h"
#include "kernels/f32_dwconv.h"
#include "kernels/f32_gemm_microkernel.h"
#include "kernels/f32_qs8_quantize.h"
#include "kernels/f32_winograd.h"
#include "kernels/gemm_checksum_predict.h"
#include "kernels/qs8_add.h"
#include "kernels/qs8_dwconv.h"
#include "kernels/qs8_gemm_microkernel.h"
#include "kernels/qs8_requantize_rows.h"
#include "kernels/s32_dequantize_transpose.h"
#include "kernels/unary_binary_reduce_isa.h"
#include "kernels/x8_deinterleave.h"
#include "kernels/x8_window_max.h"

namespace vigil::kernels {

namespace {

template <typename Kernel>
std::string tile_of(const Kernel& kernel) {
  if constexpr (requires { kernel.mr; }) {
    return std::to_string(kernel.mr) + "x" + std::to_string(kernel.nr);
  } else {
    return {};
  }
}

template <typename Kernel>
void add_family(const KernelRegistry<Kernel>& registry, std::vector<KernelListing>& listing) {
  const Kernel& active = registry.best(active_features());
  for (const Kernel* kernel : registry.kernels()) {
    listing.push_back({registry.family(), kernel->name, kernel->needs, tile_of(*kernel),
                       KernelRegistry<Kernel>::runs_here(*kernel), kernel == &active});
  }
}

}  // namespace

std::vector<KernelListing> list_kernels() {
  std::vector<KernelListing> listing;
  add_family(f32_gemm_kernels(), listing);
  add_family(qs8_gemm_kernels(), listing);
  add_family(f32_dwconv_paths(), listing);
  add_family(f32_winograd_paths(), listing);
  add_family(qs8_dwconv_kernels(), listing);
  add_family(f32_vmath_kernels(), listing);
  add_family(f32_qs8_quantize_kernels(), listing);
  add_family(qs8_add_kernels(), listing);
  add_family(s32_dequantize_transpose_kernels(), listing);
  add_family(x8_window_max_kernels(), listing);
  add_family(x8_deinterleave_kernels(), listing);
  add_family(gemm_checksum_predict_kernels(), listing);
  add_family(bitserial_gemm_kernels(), listing);
  add_family(qs8_requantize_rows_kernels(), listing);
  return listing;
}

}  // namespace vigil::kernels

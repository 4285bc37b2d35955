// The choice of depthwise kernel per instruction-set path (kernels/f32_dwconv.h).
#include "kernels/f32_dwconv.h"

namespace vigil::kernels {

F32DwConvKernel f32_dwconv_kernel(const F32DwConvGeometry& g, Isa isa) {
  F32DwConvKernel kernel;
#if defined(__x86_64__)
  if (isa >= Isa::Avx512) kernel = f32_dwconv_select__avx512(g);
  if (!kernel.run && isa >= Isa::Avx2) kernel = f32_dwconv_select__avx2(g);
#endif
  if (!kernel.run) kernel = {"f32_dwconv__scalar", f32_dwconv__scalar};
  return kernel;
}

}  // namespace vigil::kernels

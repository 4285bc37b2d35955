// SPDX-License-Identifier: Apache-2.0
// The checksum of a depthwise plane (ABFT for the depthwise convolution, which is no GEMM:
// kernels/gemm_check.h checks the products, this the direct kernels). The invariant: the
// sum of all outputs of a plane, before bias and activation, is
//   sum_taps w[tap] x S[tap],   S[tap] = the sum of the input over the window that tap
//                               reads across all output positions (zero in the padding),
// which costs one pass over the input plane (prefix sums along each row per stride phase,
// then along the rows) instead of the taps' multiply-adds over every output. The bound of
// its rounding comes from the same sums over |w| and |x|.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/f32_dwconv.h"

namespace vigil::kernels {

struct DwConvPlaneChecksum {
  double predicted = 0;  // sum_taps w x S
  double bound = 0;      // sum_taps |w| x (S over |x|)
};

// `scratch` grows as needed and is reused across planes.
DwConvPlaneChecksum f32_dwconv_plane_checksum(const F32DwConvGeometry& g, const float* x, const float* w,
                                              std::vector<double>& scratch);

// Whether a plane's actual sum (its outputs less bias and residual, in double) agrees with
// the prediction: within (taps + 2) u of the bound for the kernel's sums, twice that for
// safety, plus 4 u of `spread` (the sum of |output|) for the bias and residual additions.
bool f32_dwconv_plane_agrees(const DwConvPlaneChecksum& checksum, double actual, double spread, int64_t taps);

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The checksum of a depthwise plane (ABFT for the depthwise convolution, which is no GEMM:
// kernels/gemm_check.h checks the products, this the direct kernels). The invariant: the
// sum of all outputs of a plane, before bias and activation, is
//   sum_taps w[tap] x S[tap],   S[tap] = the sum of the input over the window that tap
//                               reads across all output positions (zero in the padding),
// which costs one vector pass over the input plane (its rows added into column sums per row
// stride phase; each tap then takes its rows and columns out of them) instead of the taps'
// multiply-adds over every output. The bound of its rounding comes from the same sums over
// |w| and |x|.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/f32_dwconv.h"

namespace vigil::kernels {

struct DwConvPlaneChecksum {
  double predicted = 0;  // sum_taps w x S
  double bound = 0;      // sum_taps |w| x (the rows' sums of |x| that the windows cross)
  double allowed = 0;    // the rounding the kernel's sums and this prediction may carry
};

// `scratch` grows as needed and is reused across planes.
DwConvPlaneChecksum f32_dwconv_plane_checksum(const F32DwConvGeometry& g, const float* x, const float* w,
                                              std::vector<double>& scratch);

// A plane's actual sum (its outputs less the bias and the residual) and its spread (the
// sum of |output| and |residual|), in one vector pass.
void f32_dwconv_plane_sums(const F32DwConvGeometry& g, const float* out, const float* residual, float bias,
                           std::vector<double>& scratch, double& actual, double& spread);

// Whether the actual sum agrees with the prediction, within `allowed` and the rounding of
// the output's own sums, from `spread`.
bool f32_dwconv_plane_agrees(const DwConvPlaneChecksum& checksum, double actual, double spread);

// The three above for one plane: whether `out`, which the kernel computed from x and w
// with `bias` and `residual` added, agrees with the checksum of x and w.
bool f32_dwconv_plane_checks(const F32DwConvGeometry& g, const float* x, const float* w, float bias,
                             const float* residual, const float* out, std::vector<double>& scratch);

}  // namespace vigil::kernels

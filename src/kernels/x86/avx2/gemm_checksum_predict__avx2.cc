// SPDX-License-Identifier: Apache-2.0
// The checksum prediction loops (kernels/gemm_checksum_predict_loops.h) compiled with
// the AVX2 and FMA flags.
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"

namespace vigil::kernels {

extern const GemmChecksumPredictKernel gemm_checksum_predict__avx2;
const GemmChecksumPredictKernel gemm_checksum_predict__avx2 = {"gemm_checksum_predict__avx2", kAvx2Features,
                                                                gemm_checksum_predict_loops::f32,
                                                                gemm_checksum_predict_loops::s32,
                                                                gemm_checksum_predict_loops::f32_tally,
                                                                gemm_checksum_predict_loops::s32_tally};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The checksum prediction loops (kernels/gemm_checksum_predict_loops.h) compiled with
// the AVX-512 flags.
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"

namespace vigil::kernels {

extern const GemmChecksumPredictKernel gemm_checksum_predict__avx512;
const GemmChecksumPredictKernel gemm_checksum_predict__avx512 = {"gemm_checksum_predict__avx512", kAvx512Features,
                                                                gemm_checksum_predict_loops::f32,
                                                                gemm_checksum_predict_loops::s32,
                                                                gemm_checksum_predict_loops::f32_tally,
                                                                gemm_checksum_predict_loops::s32_tally};

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The checksum prediction loops (kernels/gemm_checksum_predict_loops.h) compiled with
// plain C++.
#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"

namespace vigil::kernels {

extern const GemmChecksumPredictKernel gemm_checksum_predict__scalar;
const GemmChecksumPredictKernel gemm_checksum_predict__scalar = {"gemm_checksum_predict__scalar", CpuFeatures{},
                                                                gemm_checksum_predict_loops::f32,
                                                                gemm_checksum_predict_loops::s32,
                                                                gemm_checksum_predict_loops::f32_add_row,
    gemm_checksum_predict_loops::f64_add_rows};

}  // namespace vigil::kernels

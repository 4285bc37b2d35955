// SPDX-License-Identifier: Apache-2.0
// The checksum kernels (kernels/gemm_checksum_predict.h) on AVX-512 without VNNI: the fp32
// ones of x86/avx512/gemm_checksum_f32__avx512.h, the int8 ones as the compiler vectorizes
// kernels/gemm_checksum_predict_loops.h.
#include <immintrin.h>

// GCC 12's headers build the 256-bit halves of a zmm from an undefined merge source, which
// -Wmaybe-uninitialized reports at every use.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include "kernels/gemm_checksum_predict.h"
#include "kernels/gemm_checksum_predict_loops.h"
#include "kernels/x86/avx512/gemm_checksum_f32__avx512.h"

namespace vigil::kernels {

extern const GemmChecksumPredictKernel gemm_checksum_predict__avx512;
const GemmChecksumPredictKernel gemm_checksum_predict__avx512 = {
    "gemm_checksum_predict__avx512", kAvx512Features, f32_predict_avx512, gemm_checksum_predict_loops::s32,
    gemm_checksum_predict_loops::f32_add_row,
    f64_add_rows_avx512};

}  // namespace vigil::kernels

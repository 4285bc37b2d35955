// SPDX-License-Identifier: Apache-2.0
// When a low-bit layer runs on the bit-serial kernel rather than the int8 one, for the
// convolution (ops/quantized/bit_serial_conv.h) and the matrix product
// (ops/quantized/bit_serial_matmul.h) alike. The bit-serial product runs when weight planes
// x activation planes is within the budget where it beats the int8 kernel of the same CPU
// (docs/lowbit.md, measured per kernel): 4 plane pairs with AVX-512 VPOPCNTDQ (w2a2, w1a2,
// w1a1 and w1a4 faster than VNNI), 1 with AVX2 against AVX-VNNI, 4 with AVX2 or scalar
// against AVX2 or scalar int8, none against AVX-512 VNNI without VPOPCNTDQ; and when the
// depth fills its 64-bit words: at least three quarters of each word (48 of 64 channels)
// and at least 8 words (a 3x3 window over 64 channels; not a 1x1 shortcut over 64 to 256).
// Both layers end in the int8 GEMM's epilogue, whose row constants are made here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/qs8_gemm_microkernel.h"
#include "ops/quantized/output_requantization.h"

namespace vigil {

// The most activation planes any input may need (the budget's 4 over one weight plane).
inline constexpr int kMaxBitSerialActivationPlanes = 4;

// Weight planes x activation planes up to which bit-serial beats the int8 kernel this CPU
// runs now.
int bit_serial_plane_pair_budget();

// Why weights of `weight_planes` planes over a depth of `taps` x `channels` (channels in
// whole words per tap; a matrix product: 1 tap of K) stay on the int8 kernel, or "".
// `cpu` tells whether the reason is this CPU's kernels rather than the layer.
std::string bit_serial_refusal(int weight_planes, int64_t channels, int64_t taps, bool& cpu);

// Each of `rows` output channels' int8 epilogue for sums of raw unsigned activations: the
// offset bias - x_zero_point x the row's weight sum (modulo 2^32, as the int8 GEMM folds
// its B zero point), and its multiplier (one for all, or one per row).
std::vector<kernels::QS8RowEpilogue> bit_serial_row_epilogues(
    const int8_t* weights, int64_t rows, int64_t depth, const std::vector<int32_t>& bias,
    const std::vector<kernels::FixedPointMultiplier>& multipliers, int32_t x_zero_point);

// The output's bounds as the int8 epilogue reads them.
kernels::QS8TileEpilogue bit_serial_output(const OutputRequantization& y);

// Names `what` (a node) whose low-bit weights stay on the int8 kernel, with the reason: a
// warning, or an info line where the reason is the CPU's (the same for every layer).
void report_bit_serial_refusal(const std::string& what, const std::string& refusal, bool cpu);

}  // namespace vigil

// SPDX-License-Identifier: Apache-2.0
// The depthwise int8 convolution (one filter per channel, MobileNet's 3x3 layers), channel
// by channel, with the requantization of kernels/requantize.h:
//   y = clamp(y_zero_point + round_half_even((sum_taps (x - x_zero_point) w + bias) x M))
// A channel's plane is first copied into a padded plane whose border holds the input's
// zero point, so every window is whole: sum (x - zx) w = sum x w - zx sum w, with the
// correction fixed per channel. The border is written once per layer
// (qs8_dwconv_fill_scratch); each channel then writes only the plane's interior. int8 input
// is stored x + 128 with its zero point moved the same (the u8 form of the int8 GEMM).
// Three kernels, a registry from the least to the most capable:
//   - AVX-512 VNNI + VBMI (x86/avx512vbmi/qs8_dwconv__avx512vbmi.cc), for filters up to 4
//     wide: 16 output pixels per step, one byte permute gathering each pixel's window row
//     into a 32-bit lane and one vpdpbusd per filter row; planes narrower than 16 pack
//     several output rows into the 16 lanes;
//   - AVX-512 (x86/avx512/qs8_dwconv__avx512.cc): 16 output pixels per step, one vpmaddwd
//     per tap;
//   - scalar: the reference and the path of other CPUs.
// vigil.QConv (ops/quantized/vigil_qconv.cc) chooses the kernel once per layer and calls it per channel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/kernel_registry.h"
#include "kernels/requantize.h"

namespace vigil::kernels {

struct QS8DwconvShape {
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 3, kernel_w = 3, stride_h = 1, stride_w = 1, pad_top = 0, pad_left = 0;

  // The padded plane: the rows and columns the windows read.
  int64_t padded_h() const { return (out_h - 1) * stride_h + kernel_h; }
  int64_t padded_w() const { return (out_w - 1) * stride_w + kernel_w; }
};

// One channel's filter and output parameters.
struct QS8DwconvChannel {
  const int8_t* weights = nullptr;  // kernel_h x kernel_w
  int32_t bias = 0;
  FixedPointMultiplier multiplier;
  int32_t x_zero_point = 0;  // in the input's own type
  int32_t y_zero_point = 0, y_min = 0, y_max = 255;
};

// One channel: copies x into the plane's interior (bytes XOR flip), then computes y with
// `offset` (the bias less the padded sum's excess) added to every sum. With
// `accumulator_sum`, also the sum of the plane's int32 sums before requantization, modulo
// 2^32, added up in registers (ABFT's check of the plane).
using QS8DwconvChannelFunction = void (*)(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane,
                                          const QS8DwconvChannel& c, int32_t offset, uint8_t* y,
                                          uint32_t* accumulator_sum);

// The prediction of a plane's checksum from the padded plane (QS8DwconvChecksum, below),
// in the shape's layout (kernels/qs8_dwconv_checksum_loops.h); scratch for kernel_h x
// padded_w column sums.
using QS8DwconvChecksumFunction = uint32_t (*)(const QS8DwconvShape& s, const uint8_t* plane,
                                               const int16_t* checksum_weights, uint32_t* columns);

struct QS8DwconvKernel {
  const char* name;
  CpuFeatures needs;
  bool (*suits)(const QS8DwconvShape& shape);  // the shapes it serves
  QS8DwconvChannelFunction channel;
  QS8DwconvChecksumFunction predicted_sum;
};

// qs8_dwconv_requant__scalar, __avx512, __avx512vbmi.
const KernelRegistry<QS8DwconvKernel>& qs8_dwconv_kernels();
// The most capable kernel that `allowed` permits and that suits the shape.
const QS8DwconvKernel& qs8_dwconv_kernel(const QS8DwconvShape& shape, CpuFeatures allowed = active_features());
// The output rows the VBMI kernel packs into one step of 16 lanes (1 for planes 16 or more
// wide), or 0 if the shape does not suit it (filters up to 4 wide whose 16 lanes' window
// rows span at most 64 bytes).
int64_t qs8_dwconv_vbmi_rows_per_step(const QS8DwconvShape& shape);

// Bytes of scratch qs8_dwconv_channel needs (the padded plane, vector slack, the sums of a
// plane's checksum, and the plane's expansion below).
size_t qs8_dwconv_scratch_bytes(const QS8DwconvShape& shape);
// Fills the scratch with the input's zero point (in the u8 form), the border of every
// channel's plane, and writes the plane's expansion where it has one; once per layer and
// scratch, before the channels.
void qs8_dwconv_fill_scratch(const QS8DwconvShape& shape, int32_t x_zero_point, bool is_signed, uint8_t* scratch);

// A small padded plane (at most four 64-byte pieces) written whole from the input, piece by
// piece: one load of `count` input bytes from `base`, one byte permutation (`index`), the
// input's zero point where `valid` is clear (the border). The VBMI kernel fills such planes
// so, in about five instructions a piece where the row-by-row copy of a 14 x 14 plane took
// fourteen masked moves and their masks; made once per layer by qs8_dwconv_fill_scratch.
struct QS8PlanePiece {
  uint8_t index[64];
  uint64_t valid;
  int64_t base, count;
};
constexpr int64_t kQS8DwconvExpandedPieces = 4;
// The pieces of the plane (as many as its padded bytes take, in 64s), or nullptr when the
// plane is larger or a piece reads input bytes more than 64 apart.
const QS8PlanePiece* qs8_dwconv_plane_pieces(const QS8DwconvShape& shape, const uint8_t* scratch);

// Where the input lands in the padded plane: rows [row0, row0 + rows) and columns
// [col0, col0 + cols) of x (all of it, unless a negative pad crops it), at (row0 +
// pad_top, col0 + pad_left).
struct QS8PlaneInterior {
  int64_t row0 = 0, rows = 0, col0 = 0, cols = 0;
};
QS8PlaneInterior qs8_dwconv_interior(const QS8DwconvShape& shape);

// y (out_h x out_w bytes, uint8 or int8 alike) from x (in_h x in_w bytes; int8 when
// `is_signed`), on a kernel that suits the shape and that the CPU runs, with a scratch
// qs8_dwconv_fill_scratch has filled for the same shape and zero point.
// A channel's checksum (ABFT), made once per layer from its filter as loaded. A plane is
// checked by the int32 sums of all its outputs, added up by the kernel in registers,
// against
//   N (bias - zx' sum w) + sum_taps w[tap] x S[tap]   (modulo 2^32),
// N the outputs, zx' the input's zero point in the u8 form, S[tap] the sum of the padded
// plane's bytes that the tap reads over all outputs. The second term is a sum of the
// padded plane's bytes, each times the weights of the taps that read it; it is computed
// in one of two layouts, by the plane's size:
//   - footprint (planes of at most kQS8DwconvFootprintBytes, filters of at most 255 taps):
//     one dot product of the whole padded plane with its footprint F (per byte of the
//     plane, the sum of the weights of every tap, at every output, that reads it), made
//     here once: a few vectors per plane, where the filter rows would cost more;
//   - columns (larger planes): sum_ky sum_columns C_ky[column] x W_ky[column], C_ky the
//     column sums of the plane rows filter row ky reads, W_ky[column] the sum of filter
//     row ky's weights whose windows hold the column (made here, once).
// Integer arithmetic modulo 2^32 is exact: a clean plane always agrees, and any change to
// one sum, by any bit, or to a working weight that changes the sums, never does.
struct QS8DwconvChecksum {
  const int16_t* weights = nullptr;  // qs8_dwconv_checksum_size() of the footprint or column weights
  uint32_t constant = 0;             // N (bias - zx' sum w), modulo 2^32
};
constexpr int64_t kQS8DwconvFootprintBytes = 256;
bool qs8_dwconv_checksum_by_footprint(const QS8DwconvShape& shape);
// The int16 weights of a channel's checksum: the footprint (padded plane, rounded up to a
// vector of 32), or kernel_h rows of qs8_dwconv_checksum_columns().
int64_t qs8_dwconv_checksum_size(const QS8DwconvShape& shape);
// The columns of a row of column weights: padded_w rounded up to a vector of 32.
int64_t qs8_dwconv_checksum_columns(const QS8DwconvShape& shape);
// Writes the weights of filter w's checksum and returns its constant.
uint32_t qs8_dwconv_make_checksum(const QS8DwconvShape& shape, const int8_t* w, int32_t bias, int32_t x_zero_point,
                                  bool is_signed, int16_t* checksum_weights);

// With `checksum`, the plane is also checked; returns whether it agrees (always true
// without one).
bool qs8_dwconv_channel(const QS8DwconvShape& shape, const QS8DwconvKernel& kernel, const uint8_t* x, bool is_signed,
                        const QS8DwconvChannel& channel, uint8_t* y, uint8_t* scratch,
                        const QS8DwconvChecksum* checksum = nullptr);

}  // namespace vigil::kernels

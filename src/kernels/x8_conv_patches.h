// SPDX-License-Identifier: Apache-2.0
// Implicit GEMM for the int8 convolution: the patches of one image (channels x height x
// width, uint8 or int8) gathered straight into the int8 GEMM's B panels (a QS8GemmBPacker,
// layout in kernels/qs8_gemm.h), so that Y (M x out_h*out_w) = W (M x C*kh*kw) * patches
// needs no im2col buffer. Row p of the virtual patch matrix is (channel, ky, kx) in the
// weights' order; column j is output pixel (j / out_w, j % out_w). Where a window lies in
// the padding the patch holds the input's zero point, which the GEMM's zero-point folding
// turns into the zero a float convolution pads with. The integer convolution operator
// (ops/quantized/vigil_qconv.cc) builds one context per image and group.
#pragma once

#include <cstdint>

#include "kernels/qs8_gemm.h"

namespace vigil::kernels {

struct U8ConvPatches {
  const uint8_t* image = nullptr;  // channels x in_h x in_w bytes
  int64_t channels = 0;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  uint8_t zero_point = 0;  // the input's zero point, as its byte
  bool is_signed = false;  // int8 input: bytes are flipped to x + 128 while packing
};

// The QS8GemmBPacker function; `context` is a U8ConvPatches.
void x8_pack_conv_patches(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out);

inline QS8GemmBPacker x8_conv_patch_packer(const U8ConvPatches& patches) { return {x8_pack_conv_patches, &patches}; }

// The form for strides 1 and 2 without dilation: the image is padded once (the border
// holding the zero point) and, at stride s, split into s x s phase planes (rows and
// columns of one residue mod s), each phase_h x phase_w, with the channels interleaved by
// fours: quad q's plane holds, per pixel, the 4 bytes of channels 4q..4q+3 (a channel
// count not a multiple of 4 is padded with the zero point). Patch rows are ordered tap by
// tap, (ky, kx, channel), so a group of 4 consecutive k (what a vpdpbusd lane sums) is one
// quad at one tap; over output positions counted on the phase width, j = oy x phase_w + ox,
// it is quad q's phase plane (ky mod s, kx mod s) read from offset (ky / s) x phase_w +
// kx / s, as 4-byte pixels: already the c4 layout of the B panels, so packing is a copy.
// The weights must be packed in the same tap-major order, with zero weights for the
// padding channels (ops/quantized/vigil_qconv.cc). The product has phase_w - out_w unused columns per
// output row, which the caller drops. Reads run up to kernel_w / s pixels past a plane
// (the buffer needs that much slack).
struct U8ShiftedQuads {
  const uint8_t* quads = nullptr;  // quads x stride^2 x phase_h x phase_w x 4 bytes
  int64_t quad_count = 0, phase_h = 0, phase_w = 0, kernel_h = 1, kernel_w = 1, stride = 1;
};

// The depth of the product: taps x quads x 4.
inline int64_t x8_shifted_quads_depth(const U8ShiftedQuads& q) { return q.kernel_h * q.kernel_w * q.quad_count * 4; }

// The QS8GemmBPacker function; `context` is a U8ShiftedQuads. Bytes are copied as they are:
// an int8 image's sign bits are flipped when its quads are made.
void x8_pack_shifted_quads(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out);

inline QS8GemmBPacker x8_shifted_quad_packer(const U8ShiftedQuads& quads) { return {x8_pack_shifted_quads, &quads}; }

}  // namespace vigil::kernels

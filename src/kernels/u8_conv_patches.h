// Implicit GEMM for the int8 convolution: the patches of one image (channels x height x
// width, uint8 or int8) gathered straight into the int8 GEMM's B panels (a QGemmBPacker,
// layout in kernels/s8_gemm.h), so that Y (M x out_h*out_w) = W (M x C*kh*kw) * patches
// needs no im2col buffer. Row p of the virtual patch matrix is (channel, ky, kx) in the
// weights' order; column j is output pixel (j / out_w, j % out_w). Where a window lies in
// the padding the patch holds the input's zero point, which the GEMM's zero-point folding
// turns into the zero a float convolution pads with. The integer convolution operator
// (ops/q_conv.cc) builds one context per image and group.
#pragma once

#include <cstdint>

#include "kernels/s8_gemm.h"

namespace vigil::kernels {

struct U8ConvPatches {
  const uint8_t* image = nullptr;  // channels x in_h x in_w bytes
  int64_t channels = 0;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
  uint8_t zero_point = 0;   // the input's zero point, as its byte
  bool is_signed = false;   // int8 input: bytes are flipped to x + 128 while packing
};

// The QGemmBPacker function; `context` is a U8ConvPatches.
void u8_pack_conv_patches(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out);

inline QGemmBPacker u8_conv_patch_packer(const U8ConvPatches& patches) { return {u8_pack_conv_patches, &patches}; }

// The form for strides 1 and 2 without dilation: the image is padded once (the border
// holding the zero point) and, at stride s, split into s x s phase planes (rows and
// columns of one residue mod s), each phase_h x phase_w. Patch row (channel, ky, kx) over
// output positions counted on the phase width, j = oy x phase_w + ox, is then the phase
// plane (ky mod s, kx mod s) of the channel read from offset (ky / s) x phase_w + kx / s:
// every row of B is a contiguous run of the input and packing is only the interleave. The
// product has phase_w - out_w unused columns per output row, which the caller drops.
// Reads run up to kernel_w / s bytes past a plane (the buffer needs that much slack).
struct U8ShiftedRows {
  const uint8_t* phases = nullptr;  // channels x stride^2 x phase_h x phase_w
  int64_t channels = 0, phase_h = 0, phase_w = 0, kernel_h = 1, kernel_w = 1, stride = 1;
  uint8_t zero_point = 0;  // rows beyond k
  bool is_signed = false;  // int8 input: the interleave flips the sign bits
};

// The QGemmBPacker function; `context` is a U8ShiftedRows.
void u8_pack_shifted_rows(const void* context, int64_t col0, int64_t cols, int nr, uint8_t* out);

inline QGemmBPacker u8_shifted_row_packer(const U8ShiftedRows& rows) { return {u8_pack_shifted_rows, &rows}; }

}  // namespace vigil::kernels

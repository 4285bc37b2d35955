// SPDX-License-Identifier: Apache-2.0
// Implicit GEMM for the bit-serial convolution (ops/quantized/bit_serial_conv.h): the
// patches of one unsigned 8-bit image (channels x height x width, values below 2^planes)
// as the column operand of kernels/bitserial_gemm.h, so that
//   Y (M x out_h*out_w) = W (M x K) * patches (K x out_h*out_w)
// comes out in NCHW order with the weights as the broadcast rows. K runs tap by tap, (ky,
// kx, channel), and each tap's channels fill whole 64-bit words (channel_words of them,
// the last padded with zero bits), so a patch is a copy of whole words:
//   1. the bit image: per plane, per input pixel, its channels' bits in channel_words
//      words, made by extracting each plane from 8 bytes at a time (a multiply gathers
//      the bits) and transposing 64 x 64 bit blocks, and each pixel's sum of values over
//      its channels. Two pixels follow the image's: the padding's (the zero point's bits,
//      its sum zero point x channels) and a pixel of zeros (for columns past the last):
//      [planes][in_h * in_w + 2][channel_words];
//   2. the patches: per block of 8 output pixels and tap, the words of the pixels the tap
//      reads (the padding's pixel outside the image) into the blocked layout of 8
//      columns, with each column's sum of values (the offsets' term of bipolar weights)
//      from the pixels' sums.
// The weights are packed in the same order by pack_bitserial_conv_weights, with the
// padding channels zero (or -1 for bipolar weights, where they meet zero bits).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/bitserial_gemm.h"

namespace vigil::kernels {

struct BitSerialConvPatches {
  const uint64_t* bit_image = nullptr;  // planes x bitserial_conv_image_pixels() x channel_words
  const int32_t* pixel_sums = nullptr;  // bitserial_conv_image_pixels(): each pixel's sum over its channels
  int planes = 1;
  int64_t channel_words = 1;
  int64_t in_h = 0, in_w = 0, out_h = 0, out_w = 0;
  int64_t kernel_h = 1, kernel_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0;
};

// The product's words per plane: taps x channel_words.
inline int64_t bitserial_conv_words(const BitSerialConvPatches& p) { return p.kernel_h * p.kernel_w * p.channel_words; }

// The bit image's pixels: the input's, the padding's, the zero pixel.
inline int64_t bitserial_conv_image_pixels(const BitSerialConvPatches& p) { return p.in_h * p.in_w + 2; }

// Step 1 for the input pixels of 64-pixel blocks [block_begin, block_end): `image` holds
// `channels` planes of `pixels` (in_h * in_w) bytes, each below 2^planes; out is the whole
// bit image, pixel_sums the pixels' sums.
void bitserial_conv_bit_image(const uint8_t* image, int64_t channels, int64_t pixels, int planes, int64_t block_begin,
                              int64_t block_end, uint64_t* out, int32_t* pixel_sums);

// The two pixels after the image's, for `channels` channels of `planes` planes: the
// padding's (bit p of `zero_point` in each channel's place of plane p) and zeros.
void bitserial_conv_border_pixels(uint8_t zero_point, int64_t channels, int64_t pixels, int planes, uint64_t* out,
                                  int32_t* pixel_sums);

// Step 2 for output pixels [col0, col0 + cols): ceil(cols / 8) blocks of planes x
// bitserial_conv_words(p) x 8 words at out (lanes past cols zero), and each column's sum
// of values over K at column_sums[0, cols).
void bitserial_conv_pack_patches(const BitSerialConvPatches& p, int64_t col0, int64_t cols, uint64_t* out,
                                 int32_t* column_sums);

// The weights (m x channels x taps int8 values, each held by `encoding`) as the product's
// rows: m x planes x taps * bit_words(channels) words, in the patches' (tap, channel) order.
std::vector<uint64_t> pack_bitserial_conv_weights(const int8_t* w, int64_t m, int64_t channels, int64_t taps,
                                                  BitEncoding encoding);

}  // namespace vigil::kernels

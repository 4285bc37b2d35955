// SPDX-License-Identifier: Apache-2.0
// The packers of kernels/bitserial_conv_patches.h, in portable C++: the multiply that
// gathers 8 bits and the 64 x 64 bit transpose keep step 1 near a tenth of a cycle per
// value and plane, and step 2 copies words.
#include "kernels/bitserial_conv_patches.h"

#include <algorithm>
#include <cstring>

namespace vigil::kernels {

namespace {

// a[r] bit c becomes a[c] bit r: the 2 x 2 block swap at every scale (32, 16, ..., 1).
void transpose_64x64(uint64_t* a) {
  static constexpr uint64_t kLowHalves[] = {0x00000000FFFFFFFFULL, 0x0000FFFF0000FFFFULL, 0x00FF00FF00FF00FFULL,
                                            0x0F0F0F0F0F0F0F0FULL, 0x3333333333333333ULL, 0x5555555555555555ULL};
  int level = 0;
  for (int j = 32; j != 0; j >>= 1, ++level) {
    const uint64_t low = kLowHalves[level];
    for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const uint64_t t = ((a[k] >> j) ^ a[k | j]) & low;
      a[k] ^= t << j;
      a[k | j] ^= t;
    }
  }
}

}  // namespace

void bitserial_conv_bit_image(const uint8_t* image, int64_t channels, int64_t pixels, int planes, int64_t block_begin,
                              int64_t block_end, uint64_t* out, int32_t* pixel_sums) {
  const int64_t words = bit_words(channels);
  uint64_t blocks[8][64];
  for (int64_t block = block_begin; block < block_end; ++block) {
    const int64_t p0 = block * 64, live = std::min<int64_t>(64, pixels - p0);
    int32_t* sums = pixel_sums + p0;
    for (int64_t j = 0; j < live; ++j) sums[j] = 0;
    for (int64_t c = 0; c < channels; ++c) {
      const uint8_t* row = image + c * pixels + p0;
      for (int64_t j = 0; j < live; ++j) sums[j] += row[j];
    }
    for (int64_t word = 0; word < words; ++word) {
      for (int c = 0; c < 64; ++c) {
        const int64_t channel = word * 64 + c;
        uint64_t masks[8] = {};
        if (channel < channels) bit_plane_masks(image + channel * pixels + p0, live, planes, masks);
        for (int p = 0; p < planes; ++p) blocks[p][c] = masks[p];
      }
      for (int p = 0; p < planes; ++p) {
        transpose_64x64(blocks[p]);
        uint64_t* target = out + (p * (pixels + 2) + p0) * words + word;
        for (int64_t j = 0; j < live; ++j) target[j * words] = blocks[p][j];
      }
    }
  }
}

void bitserial_conv_border_pixels(uint8_t zero_point, int64_t channels, int64_t pixels, int planes, uint64_t* out,
                                  int32_t* pixel_sums) {
  const int64_t words = bit_words(channels), stride = (pixels + 2) * words;
  for (int p = 0; p < planes; ++p) {
    uint64_t* pad = out + p * stride + pixels * words;
    for (int64_t w = 0; w < 2 * words; ++w) pad[w] = 0;
    if (((zero_point >> p) & 1u) == 0) continue;
    for (int64_t c = 0; c < channels; ++c) pad[c / 64] |= uint64_t{1} << (c % 64);
  }
  pixel_sums[pixels] = zero_point * static_cast<int32_t>(channels);
  pixel_sums[pixels + 1] = 0;
}

void bitserial_conv_pack_patches(const BitSerialConvPatches& p, int64_t col0, int64_t cols, uint64_t* out,
                                 int32_t* column_sums) {
  constexpr int kLanes = kBitSerialLanes;
  const int64_t cw = p.channel_words, words = bitserial_conv_words(p), pixels = p.in_h * p.in_w;
  const int64_t plane_stride = bitserial_conv_image_pixels(p) * cw;
  const int64_t block_words = p.planes * words * kLanes;
  const int64_t blocks = (cols + kLanes - 1) / kLanes;
  for (int64_t b = 0; b < blocks; ++b) {
    int64_t top[kLanes], left[kLanes];  // each lane's window origin; a lane past cols reads the zero pixel
    int32_t sums[kLanes] = {};
    bool live[kLanes];
    for (int lane = 0; lane < kLanes; ++lane) {
      const int64_t j = b * kLanes + lane;
      live[lane] = j < cols;
      const int64_t oy = live[lane] ? (col0 + j) / p.out_w : 0, ox = live[lane] ? (col0 + j) % p.out_w : 0;
      top[lane] = oy * p.stride_h - p.pad_top;
      left[lane] = ox * p.stride_w - p.pad_left;
    }
    // A block whose windows all lie inside the image reads each tap at a fixed offset from
    // its lanes' origins, without bounds.
    bool interior = true;
    for (int lane = 0; lane < kLanes; ++lane) {
      interior = interior && live[lane] && top[lane] >= 0 && top[lane] + (p.kernel_h - 1) * p.dilation_h < p.in_h &&
                 left[lane] >= 0 && left[lane] + (p.kernel_w - 1) * p.dilation_w < p.in_w;
    }
    uint64_t* block = out + b * block_words;
    int64_t base[kLanes];  // an interior lane's window origin as a pixel index
    for (int lane = 0; lane < kLanes; ++lane) base[lane] = top[lane] * p.in_w + left[lane];
    for (int64_t ky = 0; ky < p.kernel_h; ++ky) {
      for (int64_t kx = 0; kx < p.kernel_w; ++kx) {
        int64_t pixel[kLanes];
        if (interior) {
          const int64_t offset = ky * p.dilation_h * p.in_w + kx * p.dilation_w;
          for (int lane = 0; lane < kLanes; ++lane) pixel[lane] = base[lane] + offset;
        } else {
          for (int lane = 0; lane < kLanes; ++lane) {
            const int64_t iy = top[lane] + ky * p.dilation_h, ix = left[lane] + kx * p.dilation_w;
            const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
            pixel[lane] = !live[lane] ? pixels + 1 : inside ? iy * p.in_w + ix : pixels;
          }
        }
        for (int lane = 0; lane < kLanes; ++lane) sums[lane] += p.pixel_sums[pixel[lane]];
        uint64_t* target = block + (ky * p.kernel_w + kx) * cw * kLanes;
        if (cw == 1 && p.planes == 1) {  // the common 1-bit case: one word a lane
          for (int lane = 0; lane < kLanes; ++lane) target[lane] = p.bit_image[pixel[lane]];
          continue;
        }
        for (int plane = 0; plane < p.planes; ++plane) {
          const uint64_t* image = p.bit_image + plane * plane_stride;
          for (int64_t w = 0; w < cw; ++w) {
            for (int lane = 0; lane < kLanes; ++lane) target[w * kLanes + lane] = image[pixel[lane] * cw + w];
          }
          target += words * kLanes;
        }
      }
    }
    for (int lane = 0; lane < kLanes && b * kLanes + lane < cols; ++lane) column_sums[b * kLanes + lane] = sums[lane];
  }
}

std::vector<uint64_t> pack_bitserial_conv_weights(const int8_t* w, int64_t m, int64_t channels, int64_t taps,
                                                  BitEncoding encoding) {
  const int64_t cw = bit_words(channels), k = taps * cw * 64;
  // Padding channels meet zero bits of x: any value the encoding holds gives 0.
  const int32_t padding = encoding.bipolar ? -1 : 0;
  std::vector<int32_t> values(static_cast<size_t>(m * k), padding);
  for (int64_t r = 0; r < m; ++r) {
    for (int64_t c = 0; c < channels; ++c) {
      for (int64_t t = 0; t < taps; ++t)
        values[static_cast<size_t>(r * k + t * cw * 64 + c)] = w[(r * channels + c) * taps + t];
    }
  }
  std::vector<uint64_t> packed(static_cast<size_t>(m * encoding.planes() * bit_words(k)));
  pack_bit_rows(values.data(), m, k, k, encoding, packed.data());
  return packed;
}

}  // namespace vigil::kernels

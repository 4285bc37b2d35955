// SPDX-License-Identifier: Apache-2.0
// kernels/bitserial_conv_patches.h against the definition: the packed patches hold, bit for
// bit, the planes of the explicit patch matrix (K in (tap, channel) order, each tap's
// channels padded to whole words with zeros, the zero point where a window leaves the
// image, zeros past the last column), and each column's sum is the sum of its values;
// the packed weights are the weights in the same order. Channel counts below, at and
// past a word, strides 1 and 2, dilation, 1x1 windows, zero points 0 and 1, 1 to 3 planes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/bitserial_conv_patches.h"

namespace vigil::kernels {
namespace {

struct Case {
  int64_t channels, in_h, in_w, kernel, stride, dilation, pad;
  int planes;
  uint8_t zero_point;
};

void check(const Case& c, std::mt19937& generator) {
  const int64_t pixels = c.in_h * c.in_w;
  std::uniform_int_distribution<int> value(0, (1 << c.planes) - 1);
  std::vector<uint8_t> image(static_cast<size_t>(c.channels * pixels));
  for (uint8_t& v : image) v = static_cast<uint8_t>(value(generator));
  BitSerialConvPatches p;
  p.planes = c.planes;
  p.channel_words = bit_words(c.channels);
  p.in_h = c.in_h;
  p.in_w = c.in_w;
  p.kernel_h = p.kernel_w = c.kernel;
  p.stride_h = p.stride_w = c.stride;
  p.dilation_h = p.dilation_w = c.dilation;
  p.pad_top = p.pad_left = c.pad;
  p.out_h = (c.in_h + 2 * c.pad - c.dilation * (c.kernel - 1) - 1) / c.stride + 1;
  p.out_w = (c.in_w + 2 * c.pad - c.dilation * (c.kernel - 1) - 1) / c.stride + 1;
  const int64_t image_pixels = bitserial_conv_image_pixels(p);
  std::vector<uint64_t> bit_image(static_cast<size_t>(c.planes * image_pixels * p.channel_words), ~uint64_t{0});
  std::vector<int32_t> pixel_sums(static_cast<size_t>(image_pixels), -1);
  const int64_t blocks = (pixels + 63) / 64;
  bitserial_conv_bit_image(image.data(), c.channels, pixels, c.planes, 0, blocks / 2, bit_image.data(),
                           pixel_sums.data());
  bitserial_conv_bit_image(image.data(), c.channels, pixels, c.planes, blocks / 2, blocks, bit_image.data(),
                           pixel_sums.data());
  bitserial_conv_border_pixels(c.zero_point, c.channels, pixels, c.planes, bit_image.data(), pixel_sums.data());
  p.bit_image = bit_image.data();
  p.pixel_sums = pixel_sums.data();

  // The explicit patch matrix, one row of K values per output pixel.
  const int64_t taps = c.kernel * c.kernel, k = taps * p.channel_words * 64, columns = p.out_h * p.out_w;
  std::vector<int32_t> patches(static_cast<size_t>(columns * k), 0);
  std::vector<int32_t> sums(static_cast<size_t>(columns), 0);
  for (int64_t j = 0; j < columns; ++j) {
    const int64_t oy = j / p.out_w, ox = j % p.out_w;
    for (int64_t t = 0; t < taps; ++t) {
      const int64_t iy = oy * c.stride - c.pad + t / c.kernel * c.dilation;
      const int64_t ix = ox * c.stride - c.pad + t % c.kernel * c.dilation;
      const bool inside = iy >= 0 && iy < c.in_h && ix >= 0 && ix < c.in_w;
      for (int64_t ch = 0; ch < c.channels; ++ch) {
        const int32_t v = inside ? image[static_cast<size_t>((ch * c.in_h + iy) * c.in_w + ix)] : c.zero_point;
        patches[static_cast<size_t>(j * k + t * p.channel_words * 64 + ch)] = v;
        sums[static_cast<size_t>(j)] += v;
      }
    }
  }
  const BitEncoding encoding{c.planes, false, false};
  const int64_t block_words = c.planes * bitserial_conv_words(p) * kBitSerialLanes;
  // Columns from an offset that is not a multiple of 8, in pieces that end mid-block.
  for (int64_t col0 = 3; col0 < columns; col0 += 21) {
    const int64_t cols = std::min<int64_t>(21, columns - col0);
    const int64_t packed_blocks = (cols + kBitSerialLanes - 1) / kBitSerialLanes;
    std::vector<uint64_t> got(static_cast<size_t>(packed_blocks * block_words), 0x5555);
    std::vector<int32_t> got_sums(static_cast<size_t>(cols), -1);
    bitserial_conv_pack_patches(p, col0, cols, got.data(), got_sums.data());
    std::vector<uint64_t> want(got.size());
    pack_bit_columns(patches.data() + col0 * k, cols, k, k, encoding, want.data());
    ASSERT_EQ(got, want) << "channels " << c.channels << " kernel " << c.kernel << " stride " << c.stride << " planes "
                         << c.planes << " columns from " << col0;
    for (int64_t j = 0; j < cols; ++j) ASSERT_EQ(got_sums[static_cast<size_t>(j)], sums[static_cast<size_t>(col0 + j)]);
  }
}

TEST(BitSerialConvPatches, EqualThePlanesOfTheExplicitPatches) {
  std::mt19937 generator(7);
  const Case cases[] = {{3, 9, 11, 3, 1, 1, 1, 1, 0},   {64, 8, 8, 3, 1, 1, 1, 1, 0},  {70, 7, 9, 3, 2, 1, 1, 2, 1},
                        {16, 12, 10, 1, 2, 1, 0, 2, 0}, {130, 5, 6, 3, 1, 2, 2, 3, 1}, {64, 13, 13, 7, 2, 1, 3, 1, 1}};
  for (const Case& c : cases) check(c, generator);
}

TEST(BitSerialConvPatches, WeightsFollowThePatchOrder) {
  const int64_t m = 3, channels = 70, taps = 4;
  std::vector<int8_t> w(static_cast<size_t>(m * channels * taps));
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<int8_t>(i % 3 == 0 ? -1 : 1);
  for (const BitEncoding encoding : {BitEncoding{1, false, true}, BitEncoding{2, true, false}}) {
    const int64_t k = taps * bit_words(channels) * 64;
    // Padding channels: -1 for bipolar weights (a zero bit), else 0.
    std::vector<int32_t> values(static_cast<size_t>(m * k), encoding.bipolar ? -1 : 0);
    for (int64_t r = 0; r < m; ++r) {
      for (int64_t c = 0; c < channels; ++c) {
        for (int64_t t = 0; t < taps; ++t) {
          values[static_cast<size_t>(r * k + t * bit_words(channels) * 64 + c)] = w[(r * channels + c) * taps + t];
        }
      }
    }
    std::vector<uint64_t> want(static_cast<size_t>(m * encoding.planes() * bit_words(k)));
    pack_bit_rows(values.data(), m, k, k, encoding, want.data());
    EXPECT_EQ(pack_bitserial_conv_weights(w.data(), m, channels, taps, encoding), want);
  }
}

TEST(BitSerialConvPatches, NarrowestSignedEncoding) {
  const int8_t bipolar[] = {1, -1, -1, 1}, ternary[] = {1, 0, -1}, twos[] = {-2, 1}, wide[] = {-128, 127};
  EXPECT_TRUE(narrowest_signed_encoding(bipolar, 4).bipolar);
  EXPECT_EQ(narrowest_signed_encoding(ternary, 3).bits, 2);
  EXPECT_EQ(narrowest_signed_encoding(twos, 2).bits, 2);
  EXPECT_EQ(narrowest_signed_encoding(wide, 2).bits, 8);
}

}  // namespace
}  // namespace vigil::kernels

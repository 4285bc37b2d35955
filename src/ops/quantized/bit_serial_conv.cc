// SPDX-License-Identifier: Apache-2.0
// The bit-serial convolution of ops/quantized/bit_serial_conv.h: the bit image once per
// inference, then blocks of output pixels (and, where they are few, of output channels)
// over the threads, each packing its patches, taking the product into an int32 block and
// requantizing it into the output rows.
#include "ops/quantized/bit_serial_conv.h"

#include <algorithm>
#include <bit>

#include "core/error.h"
#include "core/thread_pool.h"
#include "kernels/qs8_requantize_rows.h"
#include "ops/quantized/bit_serial_policy.h"

namespace vigil {

namespace {

constexpr int64_t kColumnBlock = 256;  // output pixels per work item

}  // namespace

std::unique_ptr<BitSerialConv> BitSerialConv::prepare(const int8_t* w, int64_t m, int64_t channels, int64_t kernel_h,
                                                      int64_t kernel_w, int64_t group, bool signed_activations,
                                                      std::vector<kernels::QS8RowEpilogue> rows,
                                                      const kernels::QS8TileEpilogue& output, uint8_t x_zero_point,
                                                      std::string& refusal, bool& cpu_refusal) {
  const int64_t taps = kernel_h * kernel_w;
  const kernels::BitEncoding encoding = kernels::narrowest_signed_encoding(w, m * channels * taps);
  refusal.clear();
  cpu_refusal = false;
  if (encoding.planes() > 2) return nullptr;  // not a low-bit layer: nothing to say
  if (group != 1) {
    refusal = str_cat("grouped (", group, " groups)");
  } else if (signed_activations) {
    refusal = "int8 activations (bit-serial reads unsigned ones)";
  } else {
    refusal = bit_serial_refusal(encoding.planes(), channels, taps, cpu_refusal);
  }
  if (!refusal.empty()) return nullptr;
  std::unique_ptr<BitSerialConv> conv(new BitSerialConv());
  conv->rows_ = m;
  conv->channels_ = channels;
  conv->encoding_ = encoding;
  conv->weights_ = kernels::pack_bitserial_conv_weights(w, m, channels, taps, encoding);
  conv->row_epilogues_ = std::move(rows);
  conv->output_ = output;
  conv->x_zero_point_ = x_zero_point;
  conv->patches_.channel_words = kernels::bit_words(channels);
  conv->patches_.kernel_h = kernel_h;
  conv->patches_.kernel_w = kernel_w;
  return conv;
}

int BitSerialConv::activation_planes_allowed() const {
  return std::min(kMaxBitSerialActivationPlanes, bit_serial_plane_pair_budget() / encoding_.planes());
}

void BitSerialConv::plan(const WindowPlan& window, int threads) {
  kernels::BitSerialConvPatches& p = patches_;
  p.in_h = window.input[0];
  p.in_w = window.input[1];
  p.out_h = window.output[0];
  p.out_w = window.output[1];
  p.stride_h = window.strides[0];
  p.stride_w = window.strides[1];
  p.dilation_h = window.dilations[0];
  p.dilation_w = window.dilations[1];
  p.pad_top = window.pads_begin[0];
  p.pad_left = window.pads_begin[1];
  threads_ = std::max(1, threads);
  const int planes = std::max(1, activation_planes_allowed());
  planned_planes_ = planes;
  const int64_t image_pixels = kernels::bitserial_conv_image_pixels(p);
  bit_image_.assign(static_cast<size_t>(planes * image_pixels * p.channel_words), 0);
  pixel_sums_.assign(static_cast<size_t>(image_pixels), 0);
  const int64_t words = kernels::bitserial_conv_words(p);
  scratch_.assign(static_cast<size_t>(threads_), Scratch{});
  for (Scratch& s : scratch_) {
    s.columns.assign(static_cast<size_t>(kColumnBlock * planes * words), 0);
    s.column_sums.assign(static_cast<size_t>(kColumnBlock), 0);
    s.column_term.assign(static_cast<size_t>(kColumnBlock), 0);
    s.sums.assign(static_cast<size_t>(rows_ * kColumnBlock), 0);
  }
}

bool BitSerialConv::run(const uint8_t* image, uint8_t* y, const uint8_t* residual,
                        const kernels::QS8AddParameters* add) {
  kernels::BitSerialConvPatches p = patches_;
  const int64_t in_pixels = p.in_h * p.in_w, pixels = p.out_h * p.out_w;
  uint8_t any = x_zero_point_;
  for (int64_t i = 0; i < channels_ * in_pixels; ++i) any |= image[i];
  p.planes = std::max(1, static_cast<int>(std::bit_width(static_cast<unsigned>(any))));
  // The buffers hold the planes allowed when planned (the active features may have changed).
  if (p.planes > std::min(activation_planes_allowed(), planned_planes_)) {
    last_planes_ = 0;
    return false;
  }
  last_planes_ = p.planes;
  p.bit_image = bit_image_.data();
  p.pixel_sums = pixel_sums_.data();
  kernels::bitserial_conv_border_pixels(x_zero_point_, channels_, in_pixels, p.planes, bit_image_.data(),
                                        pixel_sums_.data());
  parallel_ranges((in_pixels + 63) / 64, threads_, [&](int64_t begin, int64_t end) {
    kernels::bitserial_conv_bit_image(image, channels_, in_pixels, p.planes, begin, end, bit_image_.data(),
                                      pixel_sums_.data());
  });

  const kernels::BitEncoding activations{p.planes, false, false};
  std::vector<int32_t> pair_coefficients;
  for (int j = 0; j < encoding_.planes(); ++j) {
    for (int i = 0; i < activations.planes(); ++i) {
      pair_coefficients.push_back(encoding_.coefficient(j) * activations.coefficient(i));
    }
  }
  const kernels::BitSerialGemmKernel& kernel = kernels::bitserial_gemm_kernels().active();
  const kernels::QS8RequantizeRowsKernel& requantize = kernels::qs8_requantize_rows_kernels().active();
  const int64_t blocks = (pixels + kColumnBlock - 1) / kColumnBlock;
  // Few pixel blocks (a small map) leave threads idle: output channels are split too, each
  // part packing its block's patches again.
  const int64_t wanted = threads_ > 1 ? 2 * threads_ : 1;
  const int64_t row_parts = std::clamp<int64_t>((wanted + blocks - 1) / blocks, 1, (rows_ + 5) / 6);
  parallel_for(blocks * row_parts, threads_, [&](int64_t item) {
    const int64_t block = item / row_parts, part = item % row_parts;
    const int64_t col0 = block * kColumnBlock, cols = std::min(kColumnBlock, pixels - col0);
    const int64_t row0 = rows_ * part / row_parts / 6 * 6;
    const int64_t row1 = part + 1 == row_parts ? rows_ : rows_ * (part + 1) / row_parts / 6 * 6;
    if (row1 <= row0) return;
    Scratch& s = scratch_[static_cast<size_t>(parallel_worker())];
    kernels::bitserial_conv_pack_patches(p, col0, cols, s.columns.data(), s.column_sums.data());
    kernels::BitSerialGemm product;
    product.rows = rows_;
    product.cols = cols;
    product.words = kernels::bitserial_conv_words(p);
    product.x_planes = encoding_.planes();
    product.w_planes = activations.planes();
    product.x = weights_.data();
    product.w = s.columns.data();
    product.pair_coefficients = pair_coefficients.data();
    if (encoding_.offset() != 0) {  // bipolar weights: offset x each column's sum
      for (int64_t j = 0; j < cols; ++j) s.column_term[j] = encoding_.offset() * s.column_sums[j];
      product.column_term = s.column_term.data();
    }
    product.y = s.sums.data();
    product.ldy = kColumnBlock;
    kernel.run(product, row0, row1);
    kernels::QS8TileEpilogue e = output_;
    e.rows = row_epilogues_.data() + row0;
    uint8_t* target = y + row0 * pixels + col0;
    requantize.run(e, s.sums.data() + row0 * kColumnBlock, kColumnBlock, row1 - row0, cols, target, pixels);
    if (add) {
      kernels::qs8_add_rows(*add, row1 - row0, cols, target, pixels, residual + row0 * pixels + col0, pixels, target,
                            pixels);
    }
  });
  return true;
}

std::string BitSerialConv::algorithm() const {
  if (last_planes_ == 0) return {};
  return "bitserial w" + std::to_string(encoding_.planes()) + "a" + std::to_string(last_planes_) + " " +
         kernels::bitserial_gemm_kernels().active().name;
}

}  // namespace vigil

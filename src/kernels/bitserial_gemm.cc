// SPDX-License-Identifier: Apache-2.0
// The planes of kernels/bitserial_gemm.h: encodings, packing, the offsets' terms, the
// registry and the driver that splits rows over threads.
#include "kernels/bitserial_gemm.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

#include "core/thread_pool.h"

namespace vigil::kernels {

void bitserial_gemm__scalar(const BitSerialGemm& product, int64_t row_begin, int64_t row_end);
void bitserial_gemm__avx2(const BitSerialGemm& product, int64_t row_begin, int64_t row_end);
void bitserial_gemm__avx512vpopcntdq(const BitSerialGemm& product, int64_t row_begin, int64_t row_end);

int32_t BitEncoding::coefficient(int plane) const {
  if (bipolar) return 2;
  const int32_t weight = int32_t{1} << plane;
  return is_signed && plane == bits - 1 ? -weight : weight;
}

int32_t BitEncoding::min() const {
  if (bipolar) return -1;
  return is_signed ? -(int32_t{1} << (bits - 1)) : 0;
}

int32_t BitEncoding::max() const {
  if (bipolar) return 1;
  return is_signed ? (int32_t{1} << (bits - 1)) - 1 : (int32_t{1} << bits) - 1;
}

BitEncoding narrowest_signed_encoding(const int8_t* values, int64_t count) {
  int32_t low = 0, high = 0;
  bool plus_minus_one = count > 0;
  for (int64_t i = 0; i < count; ++i) {
    low = std::min<int32_t>(low, values[i]);
    high = std::max<int32_t>(high, values[i]);
    plus_minus_one = plus_minus_one && (values[i] == 1 || values[i] == -1);
  }
  if (plus_minus_one) return {1, false, true};
  int bits = 1;
  while (low < -(1 << (bits - 1)) || high > (1 << (bits - 1)) - 1) ++bits;
  return {bits, true, false};
}

namespace {

// The encoding's bits of one value: two's complement for signed, the sign for bipolar.
uint32_t code_of(int32_t value, BitEncoding encoding) {
  assert(value >= encoding.min() && value <= encoding.max() && (!encoding.bipolar || value != 0));
  if (encoding.bipolar) return value > 0 ? 1u : 0u;
  return static_cast<uint32_t>(value) & ((uint32_t{1} << encoding.bits) - 1);
}

// The planes of one row of k values, plane p's word w at out[p * plane_stride + w * word_stride].
void pack_row(const int32_t* values, int64_t k, BitEncoding encoding, uint64_t* out, int64_t plane_stride,
              int64_t word_stride) {
  const int64_t words = bit_words(k);
  for (int p = 0; p < encoding.planes(); ++p) {
    for (int64_t w = 0; w < words; ++w) out[p * plane_stride + w * word_stride] = 0;
  }
  for (int64_t i = 0; i < k; ++i) {
    const uint32_t code = code_of(values[i], encoding);
    for (int p = 0; p < encoding.planes(); ++p) {
      out[p * plane_stride + (i / 64) * word_stride] |= uint64_t{(code >> p) & 1u} << (i % 64);
    }
  }
}

constexpr const BitSerialGemmKernel kScalar{"bitserial_gemm__scalar", CpuFeatures{}, bitserial_gemm__scalar};
constexpr const BitSerialGemmKernel kAvx2{"bitserial_gemm__avx2", kAvx2Features, bitserial_gemm__avx2};
constexpr const BitSerialGemmKernel kAvx512{"bitserial_gemm__avx512vpopcntdq",
                                            kAvx512Features | CpuFeatures{CpuFeature::Avx512Vpopcntdq},
                                            bitserial_gemm__avx512vpopcntdq};
constexpr const BitSerialGemmKernel* kKernels[] = {&kScalar, &kAvx2, &kAvx512};

}  // namespace

void pack_bit_rows(const int32_t* values, int64_t rows, int64_t k, int64_t ld, BitEncoding encoding, uint64_t* out) {
  const int64_t words = bit_words(k);
  for (int64_t r = 0; r < rows; ++r) {
    pack_row(values + r * ld, k, encoding, out + r * encoding.planes() * words, words, 1);
  }
}

void pack_bit_columns(const int32_t* values, int64_t cols, int64_t k, int64_t ld, BitEncoding encoding, uint64_t* out) {
  const int64_t words = bit_words(k);
  const int64_t block_words = encoding.planes() * words * kBitSerialLanes;
  const int64_t blocks = (cols + kBitSerialLanes - 1) / kBitSerialLanes;
  for (int64_t i = 0; i < blocks * block_words; ++i) out[i] = 0;
  for (int64_t c = 0; c < cols; ++c) {
    uint64_t* block = out + (c / kBitSerialLanes) * block_words + c % kBitSerialLanes;
    pack_row(values + c * ld, k, encoding, block, words * kBitSerialLanes, kBitSerialLanes);
  }
}

void bit_plane_masks(const uint8_t* bytes, int64_t count, int planes, uint64_t* masks) {
  constexpr uint64_t kLowBits = 0x0101010101010101ULL;
  // Multiplied by bytes of 0 or 1, gathers byte i's bit into bit 56 + i, carry-free.
  constexpr uint64_t kGather = 0x0102040810204080ULL;
  const int64_t whole = count / 8 * 8;
  for (int p = 0; p < planes; ++p) {
    uint64_t mask = 0;  // in a register: a plane at a time
    for (int64_t j = 0; j < whole; j += 8) {
      uint64_t eight;
      std::memcpy(&eight, bytes + j, sizeof eight);
      mask |= (((eight >> p) & kLowBits) * kGather >> 56) << j;
    }
    for (int64_t j = whole; j < count; ++j) mask |= uint64_t{(bytes[j] >> p) & 1u} << j;
    masks[p] = mask;
  }
}

void pack_bit_rows_u8(const uint8_t* values, int64_t rows, int64_t k, int64_t ld, int planes, uint64_t* out,
                      int32_t* row_sums) {
  const int64_t words = bit_words(k);
  for (int64_t r = 0; r < rows; ++r) {
    const uint8_t* row = values + r * ld;
    int32_t sum = 0;
    for (int64_t i = 0; i < k; ++i) sum += row[i];
    row_sums[r] = sum;
    uint64_t* target = out + r * planes * words;
    for (int64_t w = 0; w < words; ++w) {
      uint64_t masks[8];
      bit_plane_masks(row + w * 64, std::min<int64_t>(64, k - w * 64), planes, masks);
      for (int p = 0; p < planes; ++p) target[p * words + w] = masks[p];
    }
  }
}

std::vector<int32_t> bit_row_sums(const uint64_t* x, int64_t rows, int64_t k, BitEncoding encoding) {
  const int64_t words = bit_words(k);
  std::vector<int32_t> sums(static_cast<size_t>(rows), 0);
  for (int64_t r = 0; r < rows; ++r) {
    for (int p = 0; p < encoding.planes(); ++p) {
      const uint64_t* plane = x + (r * encoding.planes() + p) * words;
      int32_t count = 0;
      for (int64_t w = 0; w < words; ++w) count += std::popcount(plane[w]);
      sums[r] += encoding.coefficient(p) * count;
    }
  }
  return sums;
}

std::vector<int32_t> bit_column_sums(const uint64_t* w, int64_t cols, int64_t k, BitEncoding encoding) {
  const int64_t words = bit_words(k);
  const int64_t block_words = encoding.planes() * words * kBitSerialLanes;
  std::vector<int32_t> sums(static_cast<size_t>(cols), 0);
  for (int64_t c = 0; c < cols; ++c) {
    const uint64_t* block = w + (c / kBitSerialLanes) * block_words + c % kBitSerialLanes;
    for (int p = 0; p < encoding.planes(); ++p) {
      int32_t count = 0;
      for (int64_t i = 0; i < words; ++i) count += std::popcount(block[(p * words + i) * kBitSerialLanes]);
      sums[c] += encoding.coefficient(p) * count;
    }
  }
  return sums;
}

BitSerialTerms bit_serial_terms(const uint64_t* x, int64_t rows, BitEncoding x_encoding, const uint64_t* w,
                                int64_t cols, BitEncoding w_encoding, int64_t k) {
  BitSerialTerms terms;
  for (int j = 0; j < x_encoding.planes(); ++j) {
    for (int i = 0; i < w_encoding.planes(); ++i) {
      terms.pair_coefficients.push_back(x_encoding.coefficient(j) * w_encoding.coefficient(i));
    }
  }
  const int32_t ox = x_encoding.offset(), ow = w_encoding.offset();
  terms.row_term.assign(static_cast<size_t>(rows), ox * ow * static_cast<int32_t>(k));
  terms.column_term.assign(static_cast<size_t>(cols), 0);
  if (ow != 0) {
    const std::vector<int32_t> sums = bit_row_sums(x, rows, k, x_encoding);
    for (int64_t r = 0; r < rows; ++r) terms.row_term[r] += ow * sums[r];
  }
  if (ox != 0) {
    const std::vector<int32_t> sums = bit_column_sums(w, cols, k, w_encoding);
    for (int64_t c = 0; c < cols; ++c) terms.column_term[c] = ox * sums[c];
  }
  return terms;
}

BitSerialOperands::BitSerialOperands(const int32_t* x, int64_t rows, BitEncoding x_encoding, const int32_t* w,
                                     int64_t cols, BitEncoding w_encoding, int64_t k)
    : rows(rows),
      cols(cols),
      k(k),
      x_encoding(x_encoding),
      w_encoding(w_encoding),
      x_planes(static_cast<size_t>(rows * x_encoding.planes() * bit_words(k))),
      w_planes(static_cast<size_t>((cols + kBitSerialLanes - 1) / kBitSerialLanes * w_encoding.planes() * bit_words(k) *
                                   kBitSerialLanes)) {
  pack_bit_rows(x, rows, k, k, x_encoding, x_planes.data());
  pack_bit_columns(w, cols, k, k, w_encoding, w_planes.data());
  terms = bit_serial_terms(x_planes.data(), rows, x_encoding, w_planes.data(), cols, w_encoding, k);
}

BitSerialGemm BitSerialOperands::product(int32_t* y, int64_t ldy) const {
  BitSerialGemm gemm;
  gemm.rows = rows;
  gemm.cols = cols;
  gemm.words = bit_words(k);
  gemm.x_planes = x_encoding.planes();
  gemm.w_planes = w_encoding.planes();
  gemm.x = x_planes.data();
  gemm.w = w_planes.data();
  gemm.pair_coefficients = terms.pair_coefficients.data();
  gemm.row_term = terms.row_term.data();
  gemm.column_term = terms.column_term.data();
  gemm.y = y;
  gemm.ldy = ldy;
  return gemm;
}

const KernelRegistry<BitSerialGemmKernel>& bitserial_gemm_kernels() {
  static const KernelRegistry<BitSerialGemmKernel> registry("bitserial_gemm", kKernels);
  return registry;
}

void bitserial_gemm(const BitSerialGemm& product, int threads, const BitSerialGemmKernel* kernel) {
  const BitSerialGemmKernel& chosen = kernel ? *kernel : bitserial_gemm_kernels().active();
  // A small product runs on one thread: handing it out would cost more than it saves.
  const int64_t work = product.rows * product.cols * product.words * product.x_planes * product.w_planes;
  const int team = work < (int64_t{1} << 16) ? 1 : threads;
  if (team == 1 || product.rows >= 2 * team) {
    parallel_ranges(product.rows, team, [&](int64_t begin, int64_t end) { chosen.run(product, begin, end); });
    return;
  }
  // Few rows (a fully connected layer of one image): the threads take blocks of columns.
  const int64_t blocks = (product.cols + kBitSerialLanes - 1) / kBitSerialLanes;
  const int64_t block_words = product.w_planes * product.words * kBitSerialLanes;
  parallel_ranges(blocks, team, [&](int64_t begin, int64_t end) {
    BitSerialGemm part = product;
    part.w = product.w + begin * block_words;
    part.cols = std::min(product.cols, end * kBitSerialLanes) - begin * kBitSerialLanes;
    part.y = product.y + begin * kBitSerialLanes;
    if (product.column_term) part.column_term = product.column_term + begin * kBitSerialLanes;
    chosen.run(part, 0, product.rows);
  });
}

}  // namespace vigil::kernels

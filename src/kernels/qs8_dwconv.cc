// SPDX-License-Identifier: Apache-2.0
// The depthwise int8 convolution of kernels/qs8_dwconv.h: the kernel registry and choice,
// the padded plane, the scalar kernel, and the dispatch to the vector kernels.
#include "kernels/qs8_dwconv.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/cpu_features.h"
#include "kernels/qs8_dwconv_checksum_loops.h"

namespace vigil::kernels {

namespace {

constexpr int64_t kSlack = 64;  // vector loads may run this far past the plane

// Where a checksum's column sums lie in the scratch: after the plane and its slack, aligned.
int64_t columns_offset(const QS8DwconvShape& s) { return (s.padded_h() * s.padded_w() + kSlack + 63) / 64 * 64; }

// Where the plane's pieces lie in the scratch: after the column sums, aligned; a leading
// 64-byte word says whether the plane has them.
int64_t pieces_offset(const QS8DwconvShape& s) {
  return (columns_offset(s) + s.kernel_h * s.padded_w() * static_cast<int64_t>(sizeof(uint32_t)) + 63) / 64 * 64;
}

// The plane's pieces (QS8PlanePiece), or none when it has too many or one of them reads
// input bytes more than 64 apart.
std::vector<QS8PlanePiece> plane_pieces(const QS8DwconvShape& s) {
  const int64_t width = s.padded_w(), bytes = s.padded_h() * width, input = s.in_h * s.in_w;
  const int64_t count = (bytes + 63) / 64;
  if (count > kQS8DwconvExpandedPieces) return {};
  std::vector<QS8PlanePiece> pieces(static_cast<size_t>(count));
  for (int64_t v = 0; v < count; ++v) {
    QS8PlanePiece& piece = pieces[static_cast<size_t>(v)];
    piece = {};
    int64_t first = input, last = -1;
    for (int64_t p = 64 * v; p < std::min(bytes, 64 * v + 64); ++p) {
      const int64_t iy = p / width - s.pad_top, ix = p % width - s.pad_left;
      if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;
      first = std::min(first, iy * s.in_w + ix);
      last = std::max(last, iy * s.in_w + ix);
    }
    if (last < 0) continue;  // border only
    if (last - first >= 64) return {};
    piece.base = first;
    piece.count = std::min<int64_t>(64, input - first);
    for (int64_t p = 64 * v; p < std::min(bytes, 64 * v + 64); ++p) {
      const int64_t iy = p / width - s.pad_top, ix = p % width - s.pad_left;
      if (iy < 0 || iy >= s.in_h || ix < 0 || ix >= s.in_w) continue;
      piece.index[p - 64 * v] = static_cast<uint8_t>(iy * s.in_w + ix - first);
      piece.valid |= uint64_t{1} << (p - 64 * v);
    }
  }
  return pieces;
}

// int8 input is stored x + 128, its zero point moved the same.
int32_t u8_form_zero_point(int32_t x_zero_point, bool is_signed) { return x_zero_point + (is_signed ? 128 : 0); }

// The sum over the filter's taps, times the input's (u8-form) zero point: what the padded
// sum x w holds beyond sum (x - zx) w.
int32_t zero_point_correction(const QS8DwconvShape& s, const int8_t* weights, int32_t zero_point) {
  int32_t sum = 0;
  for (int64_t t = 0; t < s.kernel_h * s.kernel_w; ++t) sum += weights[t];
  return zero_point * sum;
}

}  // namespace

// The vector paths (x86/avx512/qs8_dwconv__avx512.cc, x86/avx512vbmi/qs8_dwconv__avx512vbmi.cc):
// each copies the input into the plane's interior (bytes XOR flip), then computes.
void qs8_dwconv_channel__avx512(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane,
                                const QS8DwconvChannel& c, int32_t offset, uint8_t* y, uint32_t* accumulator_sum);
void qs8_dwconv_channel__avx512vbmi(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* plane,
                                    const QS8DwconvChannel& c, int32_t offset, uint8_t* y, uint32_t* accumulator_sum);
uint32_t qs8_dwconv_checksum__avx512(const QS8DwconvShape& s, const uint8_t* plane, const int16_t* checksum_weights,
                                     uint32_t* columns);

QS8PlaneInterior qs8_dwconv_interior(const QS8DwconvShape& s) {
  const int64_t row0 = std::max<int64_t>(0, -s.pad_top), row1 = std::min(s.in_h, s.padded_h() - s.pad_top);
  const int64_t col0 = std::max<int64_t>(0, -s.pad_left), col1 = std::min(s.in_w, s.padded_w() - s.pad_left);
  return {row0, std::max<int64_t>(0, row1 - row0), col0, std::max<int64_t>(0, col1 - col0)};
}

int64_t qs8_dwconv_vbmi_rows_per_step(const QS8DwconvShape& s) {
  if (s.kernel_w > 4 || s.kernel_h > 8 || s.out_w < 1) return 0;
  const int64_t width = s.padded_w();
  // Lane l holds output (row l / out_w, column l % out_w) of the step; its window row
  // starts (row x stride_h x width + column x stride_w) bytes into the step's 64.
  for (int64_t rows = s.out_w >= 16 ? 1 : 16 / s.out_w; rows >= 1; --rows) {
    const int64_t columns = std::min<int64_t>(16, s.out_w);
    const int64_t last = (rows - 1) * s.stride_h * width + (columns - 1) * s.stride_w + s.kernel_w - 1;
    if (last < 64) return rows;
  }
  return 0;
}

size_t qs8_dwconv_scratch_bytes(const QS8DwconvShape& s) {
  return static_cast<size_t>(pieces_offset(s) + 64 +
                             kQS8DwconvExpandedPieces * static_cast<int64_t>(sizeof(QS8PlanePiece)));
}

const QS8PlanePiece* qs8_dwconv_plane_pieces(const QS8DwconvShape& s, const uint8_t* scratch) {
  const uint8_t* at = scratch + pieces_offset(s);
  return at[0] == 1 ? reinterpret_cast<const QS8PlanePiece*>(at + 64) : nullptr;
}

int64_t qs8_dwconv_checksum_columns(const QS8DwconvShape& s) { return (s.padded_w() + 31) / 32 * 32; }

bool qs8_dwconv_checksum_by_footprint(const QS8DwconvShape& s) {
  return s.padded_h() * s.padded_w() <= kQS8DwconvFootprintBytes && s.kernel_h * s.kernel_w <= 255;
}

int64_t qs8_dwconv_checksum_size(const QS8DwconvShape& s) {
  if (qs8_dwconv_checksum_by_footprint(s)) return (s.padded_h() * s.padded_w() + 31) / 32 * 32;
  return s.kernel_h * qs8_dwconv_checksum_columns(s);
}

uint32_t qs8_dwconv_make_checksum(const QS8DwconvShape& s, const int8_t* w, int32_t bias, int32_t x_zero_point,
                                  bool is_signed, int16_t* checksum_weights) {
  std::fill(checksum_weights, checksum_weights + qs8_dwconv_checksum_size(s), int16_t{0});
  // Footprint: every byte, the weights of the taps that read it at every output (at most
  // 255 taps of |w| <= 128: within int16). Columns: every column, the weights of a filter
  // row's taps that read it at every output column.
  const bool footprint = qs8_dwconv_checksum_by_footprint(s);
  const int64_t columns = qs8_dwconv_checksum_columns(s), width = s.padded_w();
  for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
    for (int64_t kx = 0; kx < s.kernel_w; ++kx) {
      const int16_t weight = w[ky * s.kernel_w + kx];
      for (int64_t oy = 0; oy < (footprint ? s.out_h : 1); ++oy) {
        int16_t* row = footprint ? checksum_weights + (oy * s.stride_h + ky) * width : checksum_weights + ky * columns;
        for (int64_t ox = 0; ox < s.out_w; ++ox) {
          row[ox * s.stride_w + kx] = static_cast<int16_t>(row[ox * s.stride_w + kx] + weight);
        }
      }
    }
  }
  const auto outputs = static_cast<uint32_t>(s.out_h * s.out_w);
  const auto correction =
      static_cast<uint32_t>(zero_point_correction(s, w, u8_form_zero_point(x_zero_point, is_signed)));
  return outputs * (static_cast<uint32_t>(bias) - correction);
}

void qs8_dwconv_fill_scratch(const QS8DwconvShape& s, int32_t x_zero_point, bool is_signed, uint8_t* scratch) {
  std::memset(scratch, static_cast<uint8_t>(u8_form_zero_point(x_zero_point, is_signed)), qs8_dwconv_scratch_bytes(s));
  const std::vector<QS8PlanePiece> pieces = plane_pieces(s);
  uint8_t* at = scratch + pieces_offset(s);
  at[0] = pieces.empty() ? 0 : 1;
  if (!pieces.empty()) std::memcpy(at + 64, pieces.data(), pieces.size() * sizeof(QS8PlanePiece));
}

namespace {

// The scalar kernel: the reference of the vector ones.
void qs8_dwconv_channel__scalar(const QS8DwconvShape& s, const uint8_t* x, uint8_t flip, uint8_t* scratch,
                                const QS8DwconvChannel& c, int32_t offset, uint8_t* y, uint32_t* accumulator_sum) {
  uint32_t total = 0;
  const int64_t width = s.padded_w();
  const QS8PlaneInterior in = qs8_dwconv_interior(s);
  for (int64_t iy = in.row0; iy < in.row0 + in.rows; ++iy) {
    uint8_t* row = scratch + (iy + s.pad_top) * width + s.pad_left;
    for (int64_t ix = in.col0; ix < in.col0 + in.cols; ++ix) row[ix] = x[iy * s.in_w + ix] ^ flip;
  }
  for (int64_t oy = 0; oy < s.out_h; ++oy) {
    for (int64_t ox = 0; ox < s.out_w; ++ox) {
      int32_t sum = offset;
      const uint8_t* window = scratch + oy * s.stride_h * width + ox * s.stride_w;
      for (int64_t ky = 0; ky < s.kernel_h; ++ky) {
        for (int64_t kx = 0; kx < s.kernel_w; ++kx) sum += window[ky * width + kx] * c.weights[ky * s.kernel_w + kx];
      }
      total += static_cast<uint32_t>(sum);
      y[oy * s.out_w + ox] = static_cast<uint8_t>(requantize(sum, c.multiplier, c.y_zero_point, c.y_min, c.y_max));
    }
  }
  if (accumulator_sum) *accumulator_sum = total;
}

bool suits_every_shape(const QS8DwconvShape&) { return true; }
bool suits_vbmi(const QS8DwconvShape& s) { return qs8_dwconv_vbmi_rows_per_step(s) > 0; }

constexpr QS8DwconvKernel qs8_dwconv_requant__scalar{"qs8_dwconv_requant__scalar", CpuFeatures{}, suits_every_shape,
                                                     qs8_dwconv_channel__scalar,
                                                     qs8_dwconv_checksum_loops::predicted_sum};
constexpr QS8DwconvKernel qs8_dwconv_requant__avx512{"qs8_dwconv_requant__avx512", kAvx512Features, suits_every_shape,
                                                     qs8_dwconv_channel__avx512, qs8_dwconv_checksum__avx512};
constexpr QS8DwconvKernel qs8_dwconv_requant__avx512vbmi{
    "qs8_dwconv_requant__avx512vbmi", kAvx512Features | CpuFeatures{CpuFeature::Avx512Vnni, CpuFeature::Avx512Vbmi},
    suits_vbmi, qs8_dwconv_channel__avx512vbmi, qs8_dwconv_checksum__avx512};
constexpr const QS8DwconvKernel* kQS8DwconvKernels[] = {&qs8_dwconv_requant__scalar, &qs8_dwconv_requant__avx512,
                                                        &qs8_dwconv_requant__avx512vbmi};

}  // namespace

const KernelRegistry<QS8DwconvKernel>& qs8_dwconv_kernels() {
  static const KernelRegistry<QS8DwconvKernel> registry("qs8_dwconv", kQS8DwconvKernels);
  return registry;
}

const QS8DwconvKernel& qs8_dwconv_kernel(const QS8DwconvShape& shape, CpuFeatures allowed) {
  return qs8_dwconv_kernels().best(allowed, [&](const QS8DwconvKernel& kernel) { return kernel.suits(shape); });
}

bool qs8_dwconv_channel(const QS8DwconvShape& s, const QS8DwconvKernel& kernel, const uint8_t* x, bool is_signed,
                        const QS8DwconvChannel& c, uint8_t* y, uint8_t* scratch, const QS8DwconvChecksum* checksum) {
  const uint8_t flip = is_signed ? 0x80 : 0x00;
  // The bias less the padded sum's excess, added to every sum.
  const int32_t offset = c.bias - zero_point_correction(s, c.weights, u8_form_zero_point(c.x_zero_point, is_signed));
  if (!checksum) {
    kernel.channel(s, x, flip, scratch, c, offset, y, nullptr);
    return true;
  }
  uint32_t actual = 0;
  kernel.channel(s, x, flip, scratch, c, offset, y, &actual);
  const uint32_t predicted =
      checksum->constant +
      kernel.predicted_sum(s, scratch, checksum->weights, reinterpret_cast<uint32_t*>(scratch + columns_offset(s)));
  return actual == predicted;
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// The depthwise plane checksum (kernels/f32_dwconv_checksum.h).
//
// For a tap at row offset a = ky dh - pad_top and column offset b = kx dw - pad_left, the
// window it reads is x[oy sh + a][ox sw + b] over the output positions: rows a, a + sh, ...
// and columns b, b + sw, ..., each clipped to the image. One vector pass adds the input's
// rows into column sums, one set per row stride phase, in float over blocks of 16 rows and
// then in double; a tap's rows are its phase's sum less the few rows of that phase outside
// its range, and S[tap] adds that line's columns of the tap's range.
#include "kernels/f32_dwconv_checksum.h"

#include <algorithm>
#include <cmath>

#include "kernels/gemm_checksum_predict.h"

namespace vigil::kernels {

namespace {

constexpr double kUnit = 0x1p-24;
constexpr int64_t kFloatRows = 16;  // rows added in float before the column sums move to double

int64_t floor_mod(int64_t a, int64_t b) { return ((a % b) + b) % b; }

// totals[r] = the sum of line[r], line[r + phases], ..., with four chains for speed.
void phase_totals(const double* line, int64_t count, int64_t phases, double* totals) {
  for (int64_t r = 0; r < phases; ++r) {
    double chains[4] = {0, 0, 0, 0};
    int64_t c = r, k = 0;
    for (; c < count; c += phases, k = (k + 1) & 3) chains[k] += line[c];
    totals[r] = (chains[0] + chains[1]) + (chains[2] + chains[3]);
  }
}

}  // namespace

DwConvPlaneChecksum f32_dwconv_plane_checksum(const F32DwConvGeometry& g, const float* x, const float* w,
                                              std::vector<double>& scratch) {
  const int64_t sw = g.stride_w, sh = g.stride_h, width = g.in_w;
  const GemmChecksumPredictKernel& kernel = gemm_checksum_predict_kernels().active();
  // scratch, in doubles: per row phase the column sums and magnitudes; a tap's column sums
  // and magnitudes; then float room for one block of 16 rows' column sums and magnitudes.
  scratch.resize(static_cast<size_t>(2 * sh * width + 2 * width + width + 1 + 2 * sw));
  double* column_totals = scratch.data() + 2 * sh * width + 3 * width + 1;
  double* column_magnitudes = column_totals + sw;
  double* phase_sums = scratch.data();
  double* phase_magnitudes = phase_sums + sh * width;
  double* tap_sums = phase_magnitudes + sh * width;
  double* tap_magnitudes = tap_sums + width;
  float* block_sums = reinterpret_cast<float*>(tap_magnitudes + width);  // 2 x width floats
  float* block_magnitudes = block_sums + width;
  std::fill(phase_sums, phase_sums + 2 * sh * width, 0.0);
  for (int64_t phase = 0; phase < sh; ++phase) {
    for (int64_t y0 = phase; y0 < g.in_h; y0 += kFloatRows * sh) {
      std::fill(block_sums, block_sums + 2 * width, 0.0f);
      for (int64_t y = y0; y < std::min(g.in_h, y0 + kFloatRows * sh); y += sh) {
        kernel.f32_add_row(x + y * width, width, block_sums, block_magnitudes);
      }
      for (int64_t c = 0; c < width; ++c) {
        phase_sums[phase * width + c] += block_sums[c];
        phase_magnitudes[phase * width + c] += block_magnitudes[c];
      }
    }
  }
  DwConvPlaneChecksum checksum;
  for (int64_t ky = 0; ky < g.kernel_h; ++ky) {
    // The tap's rows a + oy sh, oy < out_h, within the image: its phase's rows from first to
    // last; the phase's sums less the rows before and after.
    const int64_t a = ky * g.dilation_h - g.pad_top, phase = floor_mod(a, sh);
    const int64_t first = std::max<int64_t>(a, 0) + floor_mod(phase - std::max<int64_t>(a, 0), sh);
    const int64_t last = std::min(a + (g.out_h - 1) * sh, g.in_h - 1);  // may fall below first
    std::copy(phase_sums + phase * width, phase_sums + (phase + 1) * width, tap_sums);
    std::copy(phase_magnitudes + phase * width, phase_magnitudes + (phase + 1) * width, tap_magnitudes);
    for (int64_t y = phase; y < g.in_h; y += sh) {
      if (y >= first && y <= last) continue;
      for (int64_t c = 0; c < width; ++c) {
        tap_sums[c] -= x[y * width + c];
        tap_magnitudes[c] -= std::fabs(x[y * width + c]);
      }
    }
    // Per column phase, the tap line's total; a tap's columns are its phase's total less
    // the few columns of that phase outside its range.
    phase_totals(tap_sums, width, sw, column_totals);
    phase_totals(tap_magnitudes, width, sw, column_magnitudes);
    for (int64_t kx = 0; kx < g.kernel_w; ++kx) {
      const int64_t b = kx * g.dilation_w - g.pad_left, column_phase = floor_mod(b, sw);
      const int64_t left = std::max<int64_t>(b, 0) + floor_mod(column_phase - std::max<int64_t>(b, 0), sw);
      const int64_t right = std::min(b + (g.out_w - 1) * sw, width - 1);
      double window = column_totals[column_phase], magnitude = column_magnitudes[column_phase];
      for (int64_t c = column_phase; c < width; c += sw) {
        if (c >= left && c <= right) {
          c = left + (right - left) / sw * sw;  // skip the range: on to its last column
          continue;
        }
        window -= tap_sums[c];
        magnitude -= tap_magnitudes[c];
      }
      if (right < left) window = magnitude = 0;  // the tap reads no column of the image
      const double weight = w[ky * g.kernel_w + kx];
      checksum.predicted += weight * window;
      checksum.bound += std::fabs(weight) * std::max(magnitude, 0.0);
    }
  }
  // The kernel's sums err by at most (taps + 2) u of the bound; the column sums, added in
  // float over blocks of 16 rows and subtracted again, by about 16 + blocks u more.
  const int64_t taps = g.kernel_h * g.kernel_w, blocks = g.in_h / (kFloatRows * sh) + 1;
  checksum.allowed = 2.0 * kUnit * static_cast<double>(taps + 2 + kFloatRows + 2 * blocks + 4) * checksum.bound;
  return checksum;
}

namespace {

// Sums a plane of rows x columns values and their magnitudes: rows added into column sums
// in float over blocks of 16 rows, then in double.
void plane_sums(const float* plane, int64_t rows, int64_t columns, std::vector<double>& scratch, double& total,
                double& magnitude) {
  const GemmChecksumPredictKernel& kernel = gemm_checksum_predict_kernels().active();
  scratch.resize(static_cast<size_t>(columns + 1));
  float* block_sums = reinterpret_cast<float*>(scratch.data());  // 2 x columns floats
  float* block_magnitudes = block_sums + columns;
  total = magnitude = 0;
  for (int64_t y0 = 0; y0 < rows; y0 += kFloatRows) {
    std::fill(block_sums, block_sums + 2 * columns, 0.0f);
    for (int64_t y = y0; y < std::min(rows, y0 + kFloatRows); ++y) {
      kernel.f32_add_row(plane + y * columns, columns, block_sums, block_magnitudes);
    }
    for (int64_t c = 0; c < columns; ++c) {
      total += block_sums[c];
      magnitude += block_magnitudes[c];
    }
  }
}

}  // namespace

void f32_dwconv_plane_sums(const F32DwConvGeometry& g, const float* out, const float* residual, float bias,
                           std::vector<double>& scratch, double& actual, double& spread) {
  double total = 0, magnitude = 0;
  plane_sums(out, g.out_h, g.out_w, scratch, total, magnitude);
  actual = total - static_cast<double>(bias) * static_cast<double>(g.out_h * g.out_w);
  spread = magnitude;
  if (residual) {
    double residual_total = 0, residual_magnitude = 0;
    plane_sums(residual, g.out_h, g.out_w, scratch, residual_total, residual_magnitude);
    actual -= residual_total;
    spread += residual_magnitude;
  }
}

bool f32_dwconv_plane_agrees(const DwConvPlaneChecksum& checksum, double actual, double spread) {
  if (!std::isfinite(checksum.predicted) || !std::isfinite(checksum.bound)) return true;  // NaN or Inf in the input
  // An output that overflowed or turned NaN from finite inputs is itself the error.
  if (!std::isfinite(actual) || !std::isfinite(spread)) return false;
  // The output's sums, in float over blocks of 16 rows, and the bias and residual
  // additions round by about 16 + 4 u of the spread.
  const double allowed = checksum.allowed + 2.0 * kUnit * static_cast<double>(kFloatRows + 8) * spread;
  return std::fabs(actual - checksum.predicted) <= allowed;
}

bool f32_dwconv_plane_checks(const F32DwConvGeometry& g, const float* x, const float* w, float bias,
                             const float* residual, const float* out, std::vector<double>& scratch) {
  double actual = 0, spread = 0;
  f32_dwconv_plane_sums(g, out, residual, bias, scratch, actual, spread);
  return f32_dwconv_plane_agrees(f32_dwconv_plane_checksum(g, x, w, scratch), actual, spread);
}

}  // namespace vigil::kernels

// SPDX-License-Identifier: Apache-2.0
// GridSample (opset 16; opset 20's mode names accepted too): spatial transformer
// networks, deformable heads and optical-flow warps sample an image at arbitrary
// normalized positions. The grid [N, H_out, W_out, 2] holds (x, y) in [-1, 1]; each pair
// is denormalized to pixel coordinates and interpolated (nearest, bilinear or bicubic
// with a = -0.75), reading outside the image as zeros, the border value, or the image
// reflected at its edges. Every mode is separable, so each grid point becomes a few
// (index, weight) taps per axis, and the taps serve all channels. The rules, including
// when a coordinate is padded before the taps are formed, follow the ONNX reference.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "ops/detection_internal.h"
#include "ops/registry.h"

namespace vigil {

namespace {

enum class SampleMode { Nearest, Linear, Cubic };
enum class PaddingMode { Zeros, Border, Reflection };

struct GridSampleConfig {
  SampleMode mode = SampleMode::Linear;
  PaddingMode padding = PaddingMode::Zeros;
  bool align_corners = false;
};

SampleMode parse_sample_mode(const std::string& mode) {
  if (mode == "nearest") return SampleMode::Nearest;
  if (mode == "bilinear" || mode == "linear") return SampleMode::Linear;
  if (mode == "bicubic" || mode == "cubic") return SampleMode::Cubic;
  fail_unsupported("GridSample: mode '", mode, "' is not supported");
}

PaddingMode parse_padding_mode(const std::string& mode) {
  if (mode == "zeros") return PaddingMode::Zeros;
  if (mode == "border") return PaddingMode::Border;
  if (mode == "reflection") return PaddingMode::Reflection;
  fail_unsupported("GridSample: padding_mode '", mode, "' is not supported");
}

// One spatial axis: its size and the span that counts as inside for padding, the pixel
// centres with align_corners, else the pixels' outer edges.
struct SampleAxis {
  int64_t size;
  double low, high;

  SampleAxis(int64_t size, bool align_corners)
      : size(size), low(align_corners ? 0.0 : -0.5), high(align_corners ? size - 1.0 : size - 0.5) {}
};

// Folds x back into [low, high] as in a mirror at each end, as often as needed.
double reflect(double x, double low, double high) {
  const double range = high - low;
  if (range <= 0) return low;
  if (x >= low && x <= high) return x;
  const bool below = x < low;
  const double distance = below ? low - x : x - high;
  const double folds = std::floor(distance / range);
  const double rest = distance - folds * range;
  const bool even = std::fmod(folds, 2.0) == 0;
  return below == even ? low + rest : high - rest;
}

struct Tap {
  int64_t index;  // -1: outside, reads zero
  double weight;
};

struct AxisTaps {
  std::array<Tap, 4> taps;
  int count = 0;
  void add(int64_t index, double weight) { taps[count++] = {index, weight}; }
};

// The pixel read for whole-numbered position i under the padding mode.
int64_t lookup(double i, const SampleAxis& axis, PaddingMode padding) {
  const double last = static_cast<double>(axis.size - 1);
  switch (padding) {
    case PaddingMode::Zeros: return i >= 0 && i <= last ? static_cast<int64_t>(i) : -1;
    case PaddingMode::Border: return static_cast<int64_t>(std::clamp(i, 0.0, last));
    case PaddingMode::Reflection:
      return static_cast<int64_t>(std::clamp(std::trunc(reflect(i, axis.low, axis.high)), 0.0, last));
  }
  return -1;
}

// Keys' cubic convolution weights (a = -0.75) of the taps at -1, 0, 1, 2 from floor(x),
// for the fraction t of x.
std::array<double, 4> cubic_weights(double t) {
  constexpr double a = -0.75;
  auto outer = [](double d) { return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a; };  // 1 <= d < 2
  auto inner = [](double d) { return ((a + 2) * d - (a + 3)) * d * d + 1; };        // 0 <= d < 1
  return {outer(t + 1), inner(t), inner(1 - t), outer(2 - t)};
}

// The taps of a finite pixel coordinate along one axis.
AxisTaps axis_taps(double coordinate, const SampleAxis& axis, const GridSampleConfig& config) {
  if (config.mode == SampleMode::Nearest) coordinate = std::nearbyint(coordinate);  // halves to even
  if (coordinate < axis.low || coordinate > axis.high) {
    if (config.padding == PaddingMode::Border) coordinate = std::clamp(coordinate, 0.0, axis.size - 1.0);
    if (config.padding == PaddingMode::Reflection) coordinate = reflect(coordinate, axis.low, axis.high);
  }
  AxisTaps result;
  if (config.mode == SampleMode::Nearest) {
    result.add(lookup(coordinate, axis, config.padding), 1.0);
    return result;
  }
  const double base = std::floor(coordinate);
  const double t = coordinate - base;
  if (config.mode == SampleMode::Linear) {
    result.add(lookup(base, axis, config.padding), 1 - t);
    result.add(lookup(base + 1, axis, config.padding), t);
    return result;
  }
  const std::array<double, 4> weights = cubic_weights(t);
  for (int k = 0; k < 4; ++k) result.add(lookup(base + k - 1, axis, config.padding), weights[k]);
  return result;
}

double denormalize(double normalized, int64_t size, bool align_corners) {
  return align_corners ? (normalized + 1) / 2 * (size - 1) : ((normalized + 1) * size - 1) / 2;
}

template <class T>
void grid_sample_typed(const GridSampleConfig& config, const Tensor& x, const std::vector<double>& grid, Tensor& out) {
  const int64_t batches = x.dim(0), channels = x.dim(1), height = x.dim(2), width = x.dim(3);
  const int64_t points = out.dim(2) * out.dim(3);
  const SampleAxis rows(height, config.align_corners), cols(width, config.align_corners);
  const T* in = x.data<T>();
  T* y = out.data<T>();
  for (int64_t n = 0; n < batches; ++n) {
    for (int64_t p = 0; p < points; ++p) {
      const double gx = grid[(n * points + p) * 2], gy = grid[(n * points + p) * 2 + 1];
      T* y_point = y + n * channels * points + p;
      if (!std::isfinite(gx) || !std::isfinite(gy)) {
        // A position nowhere: the sample is undefined.
        for (int64_t c = 0; c < channels; ++c) y_point[c * points] = std::numeric_limits<T>::quiet_NaN();
        continue;
      }
      const AxisTaps ty = axis_taps(denormalize(gy, height, config.align_corners), rows, config);
      const AxisTaps tx = axis_taps(denormalize(gx, width, config.align_corners), cols, config);
      for (int64_t c = 0; c < channels; ++c) {
        const T* plane = in + (n * channels + c) * height * width;
        double sum = 0;
        for (int i = 0; i < ty.count; ++i) {
          if (ty.taps[i].index < 0) continue;
          const T* row = plane + ty.taps[i].index * width;
          double row_sum = 0;
          for (int j = 0; j < tx.count; ++j) {
            if (tx.taps[j].index >= 0) row_sum += tx.taps[j].weight * static_cast<double>(row[tx.taps[j].index]);
          }
          sum += ty.taps[i].weight * row_sum;
        }
        y_point[c * points] = static_cast<T>(sum);
      }
    }
  }
}

}  // namespace

std::unique_ptr<Operator> create_grid_sample(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  GridSampleConfig config;
  config.mode = parse_sample_mode(attributes.get_string("mode", info.opset >= 20 ? "linear" : "bilinear"));
  config.padding = parse_padding_mode(attributes.get_string("padding_mode", "zeros"));
  config.align_corners = attributes.get_int("align_corners", 0) != 0;

  return make_operator([config](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "X");
    const Tensor& grid = require_input(in, 1, "grid");
    if (x.rank() != 4) fail_unsupported("GridSample: only 4-D X [N, C, H, W] is supported, got rank ", x.rank());
    check_input(grid.rank() == 4 && grid.dim(0) == x.dim(0) && grid.dim(3) == 2,
                "GridSample: grid must be [N, H_out, W_out, 2] with X's N");
    out[0] = Tensor(x.dtype(), {x.dim(0), x.dim(1), grid.dim(1), grid.dim(2)});
    if (out[0].numel() == 0) return;
    check_input(x.dim(2) > 0 && x.dim(3) > 0, "GridSample: X has an empty spatial axis");
    const std::vector<double> positions = grid.to_double_vector();
    dispatch_float(x.dtype(), "GridSample",
                   [&](auto tag) { grid_sample_typed<typename decltype(tag)::type>(config, x, positions, out[0]); });
  });
}

}  // namespace vigil

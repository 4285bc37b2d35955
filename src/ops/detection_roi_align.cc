// SPDX-License-Identifier: Apache-2.0
// RoiAlign (opsets 10, 16): two-stage detectors and Mask R-CNN heads crop each region of
// interest out of a feature map into a fixed output_height x output_width grid. Each
// output bin averages (or takes the max of) a grid of bilinear samples; sampling_ratio 0
// picks ceil(roi size / bins) samples per bin. The sampling follows ONNX Runtime and the
// ONNX reference exactly, including its "max" mode, which takes the largest of the four
// weighted corner terms of each sample rather than the largest interpolated value.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ops/detection_internal.h"
#include "ops/registry.h"

namespace vigil {

namespace {

// An adaptive grid follows the roi's size in pixels; more than this many samples along a
// side of one bin means a roi far larger than any feature map (or an absurd sampling_ratio).
constexpr int64_t kMaxSamplesPerBinSide = 1024;

struct RoiAlignConfig {
  bool max_mode = false;
  int64_t output_height = 1;
  int64_t output_width = 1;
  int64_t sampling_ratio = 0;
  double spatial_scale = 1.0;
  bool half_pixel = false;  // shift roi corners by -0.5 (opset 16's default)
};

// Bilinear taps along one axis for one sample position: two indices and their weights.
// A sample more than one pixel outside the map weighs nothing (weights 0).
template <class T>
struct AxisTaps {
  int64_t low = 0, high = 0;
  T w_low = 0, w_high = 0;
};

template <class T>
AxisTaps<T> axis_taps(T position, int64_t size) {
  AxisTaps<T> taps;
  // Written so that NaN also lands here.
  if (!(position >= T(-1) && position <= static_cast<T>(size))) return taps;
  if (position <= 0) position = 0;
  taps.low = static_cast<int64_t>(position);
  if (taps.low >= size - 1) {
    taps.low = taps.high = size - 1;
    position = static_cast<T>(taps.low);
  } else {
    taps.high = taps.low + 1;
  }
  const T fraction = position - static_cast<T>(taps.low);
  taps.w_low = T(1) - fraction;
  taps.w_high = fraction;
  return taps;
}

// The sample taps along one axis of one roi: for each of the `bins` output bins,
// `grid` samples evenly spread over the bin.
template <class T>
std::vector<AxisTaps<T>> roi_axis_samples(T start, T bin_size, int64_t bins, int64_t grid, int64_t size) {
  std::vector<AxisTaps<T>> samples;
  samples.reserve(static_cast<size_t>(bins * grid));
  for (int64_t b = 0; b < bins; ++b) {
    for (int64_t s = 0; s < grid; ++s) {
      const T position =
          start + static_cast<T>(b) * bin_size + (static_cast<T>(s) + T(0.5)) * bin_size / static_cast<T>(grid);
      samples.push_back(axis_taps(position, size));
    }
  }
  return samples;
}

template <class T>
void roi_align_typed(const RoiAlignConfig& config, const Tensor& x, const Tensor& rois,
                     const std::vector<int64_t>& batch_indices, Tensor& out) {
  const int64_t channels = x.dim(1), height = x.dim(2), width = x.dim(3);
  const int64_t out_h = config.output_height, out_w = config.output_width;
  const T scale = static_cast<T>(config.spatial_scale);
  const T offset = config.half_pixel ? T(0.5) : T(0);
  const T* roi_data = rois.data<T>();
  T* y = out.data<T>();
  for (size_t r = 0; r < batch_indices.size(); ++r) {
    const T* roi = roi_data + r * 4;
    const T start_w = roi[0] * scale - offset, start_h = roi[1] * scale - offset;
    T roi_w = roi[2] * scale - offset - start_w, roi_h = roi[3] * scale - offset - start_h;
    if (!config.half_pixel) {
      // The older convention forces a roi at least one pixel wide.
      roi_w = std::max(roi_w, T(1));
      roi_h = std::max(roi_h, T(1));
    }
    check_input(std::isfinite(roi_w) && std::isfinite(roi_h), "RoiAlign: roi ", r, " is not finite");
    const T bin_h = roi_h / static_cast<T>(out_h), bin_w = roi_w / static_cast<T>(out_w);
    const int64_t grid_h = config.sampling_ratio > 0
                               ? config.sampling_ratio
                               : convert_element<int64_t>(std::ceil(roi_h / static_cast<T>(out_h)));
    const int64_t grid_w = config.sampling_ratio > 0
                               ? config.sampling_ratio
                               : convert_element<int64_t>(std::ceil(roi_w / static_cast<T>(out_w)));
    check_input(grid_h <= kMaxSamplesPerBinSide && grid_w <= kMaxSamplesPerBinSide, "RoiAlign: roi ", r, " needs ",
                grid_h, " x ", grid_w, " samples per bin");
    // A degenerate roi (negative size under half_pixel) gets no samples and outputs 0.
    const int64_t rows_per_bin = std::max<int64_t>(grid_h, 0), cols_per_bin = std::max<int64_t>(grid_w, 0);
    const T count = static_cast<T>(std::max<int64_t>(rows_per_bin * cols_per_bin, 1));
    const std::vector<AxisTaps<T>> rows = roi_axis_samples(start_h, bin_h, out_h, rows_per_bin, height);
    const std::vector<AxisTaps<T>> cols = roi_axis_samples(start_w, bin_w, out_w, cols_per_bin, width);

    for (int64_t c = 0; c < channels; ++c) {
      const T* plane = x.data<T>() + (batch_indices[r] * channels + c) * height * width;
      for (int64_t ph = 0; ph < out_h; ++ph) {
        for (int64_t pw = 0; pw < out_w; ++pw) {
          T value = 0;
          bool first = true;
          for (int64_t iy = 0; iy < rows_per_bin; ++iy) {
            const AxisTaps<T>& ty = rows[ph * rows_per_bin + iy];
            const T* low_row = plane + ty.low * width;
            const T* high_row = plane + ty.high * width;
            for (int64_t ix = 0; ix < cols_per_bin; ++ix) {
              const AxisTaps<T>& tx = cols[pw * cols_per_bin + ix];
              const T v1 = ty.w_low * tx.w_low * low_row[tx.low];
              const T v2 = ty.w_low * tx.w_high * low_row[tx.high];
              const T v3 = ty.w_high * tx.w_low * high_row[tx.low];
              const T v4 = ty.w_high * tx.w_high * high_row[tx.high];
              if (!config.max_mode) {
                value += v1 + v2 + v3 + v4;
              } else {
                const T sample = std::max(std::max(v1, v2), std::max(v3, v4));
                value = first ? sample : std::max(value, sample);
                first = false;
              }
            }
          }
          y[((static_cast<int64_t>(r) * channels + c) * out_h + ph) * out_w + pw] =
              config.max_mode ? value : value / count;
        }
      }
    }
  }
}

}  // namespace

std::unique_ptr<Operator> create_roi_align(const OpCreateInfo& info) {
  const Attributes& attributes = info.attributes();
  RoiAlignConfig config;
  const std::string mode = attributes.get_string("mode", "avg");
  if (mode != "avg" && mode != "max") fail_unsupported("RoiAlign: mode '", mode, "' is not supported");
  config.max_mode = mode == "max";
  config.output_height = attributes.get_int("output_height", 1);
  config.output_width = attributes.get_int("output_width", 1);
  config.sampling_ratio = attributes.get_int("sampling_ratio", 0);
  config.spatial_scale = attributes.get_float("spatial_scale", 1.0f);
  check_input(config.output_height > 0 && config.output_width > 0, "RoiAlign: output size must be positive");
  check_input(config.sampling_ratio >= 0, "RoiAlign: sampling_ratio must not be negative");
  // Opset 10 has no such attribute and behaves as output_half_pixel.
  const std::string transform =
      attributes.get_string("coordinate_transformation_mode", info.opset >= 16 ? "half_pixel" : "output_half_pixel");
  if (transform != "half_pixel" && transform != "output_half_pixel") {
    fail_unsupported("RoiAlign: coordinate_transformation_mode '", transform, "' is not supported");
  }
  config.half_pixel = transform == "half_pixel";

  return make_operator([config](const OpInputs& in, OpOutputs& out) {
    const Tensor& x = require_input(in, 0, "X");
    const Tensor& rois = require_input(in, 1, "rois");
    const Tensor& batch = require_input(in, 2, "batch_indices");
    check_input(x.rank() == 4, "RoiAlign: X must be 4-D [N, C, H, W]");
    check_input(rois.rank() == 2 && rois.dim(1) == 4, "RoiAlign: rois must be [num_rois, 4]");
    check_input(rois.dtype() == x.dtype(), "RoiAlign: rois must have X's type");
    check_input(batch.rank() == 1 && batch.dim(0) == rois.dim(0), "RoiAlign: batch_indices must be [num_rois]");
    const std::vector<int64_t> batch_indices = batch.to_int64_vector();
    for (const int64_t b : batch_indices) {
      check_input(b >= 0 && b < x.dim(0), "RoiAlign: batch index ", b, " is outside [0, ", x.dim(0), ")");
    }
    out[0] = Tensor(x.dtype(), {rois.dim(0), x.dim(1), config.output_height, config.output_width});
    if (x.dim(2) == 0 || x.dim(3) == 0) return;  // nothing to sample: zeros
    dispatch_float(x.dtype(), "RoiAlign", [&](auto tag) {
      roi_align_typed<typename decltype(tag)::type>(config, x, rois, batch_indices, out[0]);
    });
  });
}

}  // namespace vigil
